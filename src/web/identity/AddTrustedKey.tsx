// The "Add a trusted key" dialog of the Trusted keys page: a public key (its PEM pasted or read from a `.pub`
// file) or a keyless identity (the certificate subject and OIDC issuer cosign's keyless signatures must carry, and
// the sigstore trusted_root.json that vouches for their certificates and log entries, read from its file). The
// server refuses what is not a supported key or a usable root, and a name already taken; the refusal is shown here.
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Segmented, Upload } from 'antd';
import { useState } from 'react';
import type { paths } from '../api/openapi';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';

type TrustedKeyList = paths['/api/v1/trusted-keys']['get']['responses'][200]['content']['application/json'];
export type TrustedKey = TrustedKeyList['keys'][number];
type NewKey = paths['/api/v1/trusted-keys']['post']['requestBody']['content']['application/json'];
type Kind = 'key' | 'keyless';

interface Fields {
  name: string;
  public_key_pem?: string;
  issuer?: string;
  subject?: string;
  /** The trusted root's text as read from its file. */
  trusted_root?: string;
}

/** The request body of the fields, for a key or an identity. */
function toBody(kind: Kind, v: Fields): NewKey {
  if (kind === 'key') return { name: v.name.trim(), public_key_pem: v.public_key_pem ?? '' };
  return {
    name: v.name.trim(),
    keyless: {
      issuer: (v.issuer ?? '').trim(),
      subject: (v.subject ?? '').trim(),
      trusted_root: JSON.parse(v.trusted_root ?? '{}') as Record<string, never>,
    },
  };
}

/** A picker that puts a text file's content into a form field. */
function ReadFile({
  accept,
  label,
  onText,
}: {
  accept: string;
  label: string;
  onText(text: string, name: string): void;
}) {
  return (
    <Upload
      accept={accept}
      maxCount={1}
      showUploadList={false}
      beforeUpload={(file) => {
        void file.text().then((t) => onText(t, file.name));
        return Upload.LIST_IGNORE;
      }}
    >
      <Button icon={<UploadOutlined />}>{label}</Button>
    </Upload>
  );
}

export function AddTrustedKey({ open, onClose }: { open: boolean; onClose(added?: TrustedKey): void }) {
  const client = useClient();
  const queries = useQueryClient();
  const [form] = Form.useForm<Fields>();
  const [kind, setKind] = useState<Kind>('key');
  const add = useMutation({
    mutationFn: (v: Fields) => client.send<TrustedKey>('POST', '/api/v1/trusted-keys', toBody(kind, v)),
    onSuccess: async (k) => {
      form.resetFields();
      add.reset();
      await queries.invalidateQueries({ queryKey: ['trusted-keys'] });
      onClose(k);
    },
  });

  /** A `.pub` file picked: its text becomes the PEM (and its base name the name, when none is given yet). */
  const readKey = async (text: string, fileName: string) => {
    form.setFieldValue('public_key_pem', text);
    if (!form.getFieldValue('name')) {
      const base = fileName.replace(/\.(pub|pem)$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
      if (/^[A-Za-z0-9]/.test(base)) form.setFieldValue('name', base.slice(0, 128));
    }
    await form.validateFields(['public_key_pem']).catch(() => undefined);
  };
  const readRoot = async (text: string) => {
    form.setFieldValue('trusted_root', text);
    await form.validateFields(['trusted_root']).catch(() => undefined);
  };

  return (
    <Modal
      open={open}
      title="Add a trusted key"
      okText="Add key"
      onOk={() => form.submit()}
      confirmLoading={add.isPending}
      onCancel={() => {
        add.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Segmented<Kind>
        block
        value={kind}
        onChange={(k) => {
          setKind(k);
          add.reset();
        }}
        options={[
          { label: 'Public key', value: 'key' },
          { label: 'Keyless identity', value: 'keyless' },
        ]}
        style={{ marginBottom: 16 }}
      />
      <Form<Fields>
        form={form}
        name="new-trusted-key"
        layout="vertical"
        onFinish={(v) => add.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="name"
          label="Name"
          extra="What rules call it, e.g. release-signing"
          rules={[
            { required: true, whitespace: true, message: 'Name it' },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, message: 'Letters, digits and . _ - only' },
            { max: 128 },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        {kind === 'key' ? (
          <>
            <Form.Item
              name="public_key_pem"
              label="Public key (PEM)"
              extra="ECDSA P-256/P-384, Ed25519 or RSA of at least 2048 bits, e.g. the cosign.pub that cosign generate-key-pair wrote."
              rules={[{ required: true, whitespace: true, message: 'Paste the public key or pick its file' }]}
            >
              <Input.TextArea
                rows={6}
                spellCheck={false}
                placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
                style={{ fontFamily: 'monospace' }}
              />
            </Form.Item>
            <ReadFile accept=".pub,.pem,text/plain" label="Read a .pub file" onText={readKey} />
          </>
        ) : (
          <>
            <Form.Item
              name="subject"
              label="Certificate identity"
              extra="The signing certificate's subject, exactly: a workflow URL or an e-mail address"
              rules={[{ required: true, whitespace: true, message: 'Give the identity' }, { max: 1024 }]}
            >
              <Input
                autoComplete="off"
                placeholder="https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main"
              />
            </Form.Item>
            <Form.Item
              name="issuer"
              label="OIDC issuer"
              extra="The issuer named in the certificate, exactly"
              rules={[{ required: true, whitespace: true, message: 'Give the issuer' }, { max: 1024 }]}
            >
              <Input autoComplete="off" placeholder="https://token.actions.githubusercontent.com" />
            </Form.Item>
            <Form.Item
              name="trusted_root"
              label="Trusted root"
              extra="The sigstore trusted_root.json whose certificate authorities and transparency logs vouch for the signatures"
              rules={[
                { required: true, whitespace: true, message: 'Paste the trusted root or pick its file' },
                {
                  validator: async (_, text?: string) => {
                    if (text?.trim()) JSON.parse(text);
                  },
                  message: 'Not JSON: the trusted_root.json file as sigstore publishes it',
                },
              ]}
            >
              <Input.TextArea rows={4} spellCheck={false} placeholder="{ … }" style={{ fontFamily: 'monospace' }} />
            </Form.Item>
            <ReadFile accept=".json,application/json" label="Read trusted_root.json" onText={readRoot} />
          </>
        )}
      </Form>
      <div style={{ marginTop: 16 }}>
        <ErrorAlert error={add.error} />
      </div>
    </Modal>
  );
}
