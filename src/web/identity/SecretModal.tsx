// A credential's secret, shown once right after it is made: the token, or the access key with its secret key,
// each with a copy button and a warning that it cannot be shown again. Closed only by saying it was stored.
import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Space } from 'antd';
import { useRef } from 'react';
import type { CreatedCredential } from '../api/types';

function SecretField({ label, noun, value }: { label: string; noun: string; value: string }) {
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      message.success(`The ${noun} is copied`);
    } catch {
      // No clipboard (an insecure origin, a refused permission): selected for the person to copy.
      input.current?.select();
      message.warning('Could not copy: the text is selected, copy it with Ctrl+C');
    }
  };
  return (
    <Form.Item label={label} style={{ marginBottom: 12 }}>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          readOnly
          value={value}
          aria-label={label}
          onFocus={(e) => e.target.select()}
          ref={(el) => {
            input.current = el?.input ?? null;
          }}
          style={{ fontFamily: 'monospace' }}
        />
        <Button icon={<CopyOutlined />} onClick={copy} aria-label={`Copy the ${noun}`}>
          Copy
        </Button>
      </Space.Compact>
    </Form.Item>
  );
}

export function SecretModal({ created, onClose }: { created?: CreatedCredential; onClose(): void }) {
  const token = created?.token;
  return (
    <Modal
      open={created !== undefined}
      title={created ? `${token ? 'Token' : 'Key pair'} "${created.name}" created` : undefined}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={640}
      footer={
        <Button type="primary" onClick={onClose}>
          I have stored it
        </Button>
      }
    >
      {created && (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="Copy the secret now: it is shown only this once"
            description="Regatta keeps only a hash of it (a key pair's secret is stored encrypted and never shown again). If it is lost, revoke it and make a new one."
          />
          <Form layout="vertical">
            {token !== undefined && <SecretField label="Token" noun="token" value={token} />}
            {created.access_key && <SecretField label="Access key (AK)" noun="access key" value={created.access_key} />}
            {created.secret_key !== undefined && (
              <SecretField label="Secret key (SK)" noun="secret key" value={created.secret_key} />
            )}
          </Form>
        </>
      )}
    </Modal>
  );
}
