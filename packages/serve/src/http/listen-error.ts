import { GanforgeError } from '@ganforge/core';

/** A listen failure as a one-line error naming the address and the fix. */
export function listenError(e: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE')
    return new GanforgeError('port_in_use', `cannot listen on ${where}: the port is already in use`, {
      hint: 'stop the process using it, or choose another --port (0 = any free port)',
    });
  if (e.code === 'EACCES')
    return new GanforgeError('port_forbidden', `cannot listen on ${where}: permission denied`, {
      hint: 'ports below 1024 need privileges; choose a port of 1024 or more',
    });
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
    return new GanforgeError('bad_host', `cannot listen on ${where}: no such address on this machine`, {
      hint: 'pass --host 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
    });
  return e;
}
