// Single sign-on on the sign-in card: when the server has an OpenID Connect provider configured
// (/api/v1/oidc/config), a "Sign in with SSO" button that sends the browser there; the provider's answer comes
// back through the address's fragment (auth.tsx ssoLanding): a session, or why not, shown here.
import { LoginOutlined } from '@ant-design/icons';
import { Alert, Button, Divider } from 'antd';
import { useEffect, useState } from 'react';
import { call } from './api/client';
import type { paths } from './api/openapi';
import { ssoLanding } from './auth';

type SsoConfig = paths['/api/v1/oidc/config']['get']['responses'][200]['content']['application/json'];

export function SsoButton() {
  const [config, setConfig] = useState<SsoConfig>();
  const { error } = ssoLanding();
  useEffect(() => {
    // A server without the route (or unreachable) just offers no button.
    call<SsoConfig>(undefined, 'GET', '/api/v1/oidc/config').then(setConfig, () => undefined);
  }, []);
  const loginUrl = config?.enabled ? config.login_url : null;
  if (!loginUrl && !error) return null;
  return (
    <>
      {error && <Alert type="error" showIcon title={`Single sign-on failed: ${error}`} style={{ marginBottom: 16 }} />}
      {loginUrl && (
        <>
          <Button type="primary" icon={<LoginOutlined />} block onClick={() => window.location.assign(loginUrl)}>
            Sign in with SSO
          </Button>
          <Divider plain>or</Divider>
        </>
      )}
    </>
  );
}
