// The fields of a new sync rule: where images come from (registry, namespace, one repository or a repository
// regex, tag regex, semver range, platforms), where they go (registry, namespace, repository, tag template), the
// trigger and override, whether signatures and SBOMs go along and deletions follow, and the gates (GatesFields).
// Labels are stable: tests find the fields by them.
import { Col, Form, type FormInstance, Input, Radio, Row, Select, Switch, Typography } from 'antd';
import { useRegistries } from '../registries/useRegistries';
import { GatesFields } from './GatesFields';
import { RULE_DEFAULTS, type RuleFormValues, TRIGGER_LABELS } from './rule-body';

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PLATFORM_OPTIONS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'].map((p) => ({ value: p, label: p }));

/** A full-match regex as the server compiles it; the message says why not. */
function regexProblem(pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const regexRule = {
  validator: async (_: unknown, v: string | undefined) => {
    const problem = regexProblem(v?.trim());
    if (problem) throw new Error(`Not a valid regular expression: ${problem}`);
  },
};

function RegistrySelect({ label, ...props }: { label: string; value?: string; onChange?: (v: string) => void }) {
  const { list, loading } = useRegistries();
  return (
    <Select
      {...props}
      aria-label={label}
      showSearch={{ optionFilterProp: 'label' }}
      loading={loading}
      placeholder="Pick a registry"
      options={list.map((r) => ({ value: r.id, label: r.registry_name }))}
      notFoundContent={loading ? 'Loading…' : 'No registry: add one on the Registries page'}
    />
  );
}

export function RuleForm({ form, onChange }: { form: FormInstance<RuleFormValues>; onChange(): void }) {
  const repository = Form.useWatch('source_repository', form);
  return (
    <Form
      name="rule"
      form={form}
      layout="vertical"
      initialValues={RULE_DEFAULTS}
      onValuesChange={onChange}
      requiredMark={false}
    >
      <Form.Item name="name" label="Name" extra="Empty: named after its source and target.">
        <Input maxLength={128} placeholder="e.g. team/app to DR" />
      </Form.Item>
      <Typography.Title level={5}>Source</Typography.Title>
      <Form.Item
        name="source_registry"
        label="Source registry"
        rules={[{ required: true, message: 'Pick a registry' }]}
      >
        <RegistrySelect label="Source registry" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="source_namespace" label="Source namespace" extra="Empty for repositories at the root.">
            <Input maxLength={255} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="source_repository" label="Source repository" extra="Empty: every repository.">
            <Input maxLength={255} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="repository_filter"
        label="Repository filter"
        rules={[regexRule]}
        extra="Regex matched in full against repository names, when no single repository is named."
      >
        <Input maxLength={256} disabled={Boolean(repository?.trim())} placeholder="e.g. app-.*" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="tag_filter" label="Tag filter" rules={[regexRule]} extra="Regex matched in full.">
            <Input maxLength={256} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="tag_semver" label="Semver range" extra="e.g. >=1.2.0 <2">
            <Input maxLength={256} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="platforms"
        label="Platforms"
        extra="Only these platforms of multi-arch images; empty: all."
        rules={[
          {
            validator: async (_, v: string[] | undefined) => {
              const bad = (v ?? []).find((p) => !PLATFORM.test(p.trim()));
              if (bad) throw new Error(`${bad} is not os/arch or os/arch/variant`);
            },
          },
        ]}
      >
        <Select mode="tags" aria-label="Platforms" options={PLATFORM_OPTIONS} placeholder="linux/amd64" />
      </Form.Item>
      <Typography.Title level={5}>Target</Typography.Title>
      <Form.Item
        name="target_registry"
        label="Target registry"
        rules={[{ required: true, message: 'Pick a registry' }]}
      >
        <RegistrySelect label="Target registry" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="target_namespace" label="Target namespace">
            <Input maxLength={255} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="target_repository" label="Target repository" extra="Empty: the source's name.">
            <Input maxLength={255} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="tag_rename"
        label="Tag rename"
        extra="A template: {tag} is the source tag, e.g. {tag}-dr. Empty: the same tag."
        rules={[
          {
            validator: async (_, v: string | undefined) => {
              const t = v?.trim();
              if (t && !TAG.test(t.replaceAll('{tag}', 'x')))
                throw new Error('This template does not make a valid tag');
            },
          },
        ]}
      >
        <Input maxLength={128} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={16}>
          <Form.Item name="trigger" label="Trigger">
            <Radio.Group
              options={(['PASSIVE', 'INITIATIVE'] as const).map((t) => ({ value: t, label: TRIGGER_LABELS[t] }))}
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="override" label="Override existing tags" valuePropName="checked">
            <Switch aria-label="Override existing tags" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name="referrers"
            label="Copy signatures and SBOMs"
            valuePropName="checked"
            extra="The signatures, SBOMs and attestations of an image are copied after it."
          >
            <Switch aria-label="Copy signatures and SBOMs" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="mirror_deletes"
            label="Delete tags deleted at the source"
            valuePropName="checked"
            extra="After each run, a target tag the rule copied goes once its source tag is gone (never one that moved)."
          >
            <Switch aria-label="Delete tags deleted at the source" />
          </Form.Item>
        </Col>
      </Row>
      <GatesFields />
    </Form>
  );
}
