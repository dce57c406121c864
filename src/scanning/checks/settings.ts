// Unsafe settings, from the image config and the merged filesystem. Each rule id is stable:
//   user.root            the image runs as root (User empty, root, 0 or 0:…)
//   port.ssh             port 22 is exposed          port.risky   telnet, FTP, RDP, VNC, Docker's API … exposed
//   sshd.installed       an SSH server is installed (usr/sbin/sshd)
//   env.secret           an Env variable named like a secret carries a value
//   history.pipe-shell   a build step pipes a download into a shell (curl … | sh)
//   history.add-remote   a build step ADDs a remote URL (unverified download)
//   file.setuid          setuid/setgid files beyond the distribution's usual ones
//   file.world-writable  world-writable files or directories (no sticky bit) under system paths
import type { ImageConfig } from '../../oci/image-config.js';
import type { MergedFilesystem } from '../filesystem.js';
import type { CheckFinding } from './types.js';

const RISKY_PORTS: Record<string, string> = {
  '21': 'FTP',
  '23': 'telnet',
  '2375': "Docker's unencrypted API",
  '3389': 'RDP',
  '5900': 'VNC',
  '6379': 'Redis (no auth by default)',
  '11211': 'memcached',
};
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** setuid programs Debian and Alpine base images ship; anything else is worth a look. */
const USUAL_SETUID = new Set(
  [
    'su',
    'passwd',
    'chsh',
    'chfn',
    'gpasswd',
    'newgrp',
    'mount',
    'umount',
    'expiry',
    'chage',
    'unix_chkpwd',
    'bbsuid',
  ].flatMap((n) => [`bin/${n}`, `usr/bin/${n}`, `sbin/${n}`, `usr/sbin/${n}`]),
);
const SYSTEM_DIRS = /^(?:etc|usr|bin|sbin|lib|lib64|boot)(?:\/|$)/;

export function checkSettings(config: ImageConfig, fs: MergedFilesystem): CheckFinding[] {
  return [...configFindings(config), ...historyFindings(config), ...fileFindings(fs)];
}

function configFindings(config: ImageConfig): CheckFinding[] {
  const out: CheckFinding[] = [];
  const user = (config.config?.User ?? '').trim();
  if (user === '' || user === 'root' || user === '0' || /^(?:root|0):/.test(user)) {
    out.push({
      rule: 'user.root',
      severity: 'Medium',
      description: 'the image runs as root: set USER to an unprivileged user',
      location: 'config.User',
      evidence: user || '(empty)',
    });
  }
  for (const port of Object.keys(config.config?.ExposedPorts ?? {})) {
    const number = port.split('/')[0] ?? '';
    if (number === '22') {
      out.push({
        rule: 'port.ssh',
        severity: 'Medium',
        description: 'port 22 (SSH) is exposed',
        location: 'config.ExposedPorts',
        evidence: port,
      });
    } else if (RISKY_PORTS[number]) {
      out.push({
        rule: 'port.risky',
        severity: 'Medium',
        description: `port ${number} (${RISKY_PORTS[number]}) is exposed`,
        location: 'config.ExposedPorts',
        evidence: port,
      });
    }
  }
  for (const env of config.config?.Env ?? []) {
    const eq = env.indexOf('=');
    const name = eq < 0 ? env : env.slice(0, eq);
    const value = eq < 0 ? '' : env.slice(eq + 1);
    if (value && SECRET_NAME.test(name)) {
      out.push({
        rule: 'env.secret',
        severity: 'High',
        description: `Env variable ${name} holds a secret in the image config, readable by anyone who can pull it`,
        location: 'config.Env',
        evidence: `${name}=${mask(value)}`,
      });
    }
  }
  return out;
}

function historyFindings(config: ImageConfig): CheckFinding[] {
  const out: CheckFinding[] = [];
  for (const [i, h] of (config.history ?? []).entries()) {
    const step = h.created_by ?? '';
    if (/\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b/.test(step)) {
      out.push({
        rule: 'history.pipe-shell',
        severity: 'Medium',
        description: 'a build step pipes a download into a shell: what ran is not pinned or verified',
        location: `history[${i}]`,
        evidence: step.slice(0, 200),
      });
    }
    if (/\bADD\b[^\n]*\bhttps?:\/\//i.test(step) || /^ADD https?:\/\//.test(step)) {
      out.push({
        rule: 'history.add-remote',
        severity: 'Low',
        description: 'a build step ADDs a remote URL: the download is not verified',
        location: `history[${i}]`,
        evidence: step.slice(0, 200),
      });
    }
  }
  return out;
}

function fileFindings(fs: MergedFilesystem): CheckFinding[] {
  const out: CheckFinding[] = [];
  if (fs.resolve('usr/sbin/sshd')?.type === 'file') {
    out.push({
      rule: 'sshd.installed',
      severity: 'Medium',
      description: 'an SSH server is installed',
      location: '/usr/sbin/sshd',
    });
  }
  for (const e of fs) {
    if (e.type === 'file' && e.mode & 0o6000 && !USUAL_SETUID.has(e.path)) {
      out.push({
        rule: 'file.setuid',
        severity: 'Medium',
        description: `${e.mode & 0o4000 ? 'setuid' : 'setgid'} file${e.uid === 0 ? ' owned by root' : ''}`,
        location: `/${e.path}`,
        evidence: (e.mode & 0o7777).toString(8),
      });
    }
    const sticky = (e.mode & 0o1000) !== 0;
    if ((e.type === 'file' || e.type === 'directory') && e.mode & 0o002 && !sticky && SYSTEM_DIRS.test(e.path)) {
      out.push({
        rule: 'file.world-writable',
        severity: 'Medium',
        description: `world-writable ${e.type} in a system path`,
        location: `/${e.path}`,
        evidence: (e.mode & 0o7777).toString(8),
      });
    }
  }
  return out;
}

/** First two and last two characters, the rest starred. */
export function mask(value: string): string {
  return value.length <= 6
    ? '*'.repeat(value.length)
    : `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}
