// A failed request in words: the code the server gave, its message, and the request id to find it in the logs.
import { Alert } from 'antd';
import { ApiError } from '../api/client';

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={e ? `${e.code}: ${message}` : message}
      description={e?.requestId ? `Request id ${e.requestId}` : undefined}
    />
  );
}
