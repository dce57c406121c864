// Sign-in with an API token (X-Auth-Token), or with a name and password (PasswordSignIn): kept in this tab's
// sessionStorage only.
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useAuth } from './auth';
import { PasswordSignIn } from './PasswordSignIn';
import { SsoButton } from './SsoButton';

export function SignIn() {
  const { signIn } = useAuth();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [withPassword, setWithPassword] = useState(false);
  const submit = async ({ token }: { token: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 420 }}>
        <Typography.Title level={3}>Sign in to Regatta</Typography.Title>
        <SsoButton />
        {withPassword ? (
          <PasswordSignIn />
        ) : (
          <>
            <Typography.Paragraph type="secondary">
              Use an API token of your project (for a first server, the one given in{' '}
              <code>REGATTA_BOOTSTRAP_TOKEN</code>). It is kept for this browser tab only.
            </Typography.Paragraph>
            <Form layout="vertical" onFinish={submit} requiredMark={false}>
              <Form.Item label="API token" name="token" rules={[{ required: true, message: 'Enter a token' }]}>
                <Input.Password name="token" autoFocus autoComplete="off" />
              </Form.Item>
              {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
              <Button type="primary" htmlType="submit" loading={busy} block>
                Sign in
              </Button>
            </Form>
          </>
        )}
        <Button type="link" block style={{ marginTop: 8 }} onClick={() => setWithPassword(!withPassword)}>
          {withPassword ? 'Use an API token instead' : 'Use your name and password instead'}
        </Button>
      </Card>
    </div>
  );
}
