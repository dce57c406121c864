// Sign-in with a name and password (POST /api/v1/session): the session token it answers is then used as any
// API token (kept for this tab only), and revoked again on "Sign out".
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useAuth } from './auth';

export function PasswordSignIn() {
  const { signInWithPassword } = useAuth();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ name, password }: { name: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await signInWithPassword(name, password);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form name="password-sign-in" layout="vertical" onFinish={submit} requiredMark={false}>
      <Form.Item label="Name" name="name" rules={[{ required: true, message: 'Enter your name' }]}>
        <Input name="username" autoFocus autoComplete="username" />
      </Form.Item>
      <Form.Item label="Password" name="password" rules={[{ required: true, message: 'Enter your password' }]}>
        <Input.Password name="password" autoComplete="current-password" />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={busy} block>
        Sign in
      </Button>
    </Form>
  );
}
