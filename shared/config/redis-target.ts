/**
 * Where the service's Redis is (one server at REDIS_URL, or a Redis Cluster at
 * REDIS_CLUSTER_NODES), and the key prefix every key and channel it writes starts with.
 *
 * The prefix is the deployment's QUEUE_PREFIX in braces, `{ones-m365}`: a Redis Cluster hashes
 * only the part in braces (a hash tag), so every key of a deployment is in one slot, and each Lua
 * script, MULTI and multi-key command (BullMQ's included, which need all of a queue's keys in one
 * slot) runs on one node. On a single server the braces change nothing, so the layout is the same
 * on both and a deployment can move from one to the other.
 */

export interface ClusterNode {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'cluster';
      nodes: ClusterNode[];
      /** ACL user and password of every node (from `redis[s]://user:password@host:port` entries). */
      username?: string;
      password?: string;
      /** `rediss://` entries: TLS to every node. */
      tls: boolean;
    };

/** `{<queuePrefix>}`: the deployment's keys all hash to the slot of `queuePrefix`. */
export function redisKeyPrefix(queuePrefix: string): string {
  if (!/^[^{}]+$/.test(queuePrefix)) throw new Error(`a queue prefix has no braces: ${queuePrefix}`);
  return `{${queuePrefix}}`;
}

/**
 * Refuses a key prefix without its hash tag, so a Redis user that built its own prefix from the
 * bare QUEUE_PREFIX fails at once (on a single server too) instead of on the first cluster.
 */
export function assertKeyPrefix(prefix: string): string {
  if (!/^\{[^{}]+\}$/.test(prefix)) throw new Error(`Redis key prefix ${prefix} is not hash-tagged ({…})`);
  return prefix;
}

export type ClusterNodesResult =
  { ok: true; value: Extract<RedisTarget, { kind: 'cluster' }> } | { ok: false; message: string };

const PLAIN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * REDIS_CLUSTER_NODES: `host:port,host:port,…` (seed nodes; the client learns the rest from the
 * cluster), or `redis://` / `rediss://` URLs with the credentials, which then must agree.
 */
export function parseClusterNodes(raw: string): ClusterNodesResult {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!entries.length) return { ok: false, message: 'must list at least one host:port' };
  const nodes: ClusterNode[] = [];
  const access = new Set<string>();
  let credentials: { username?: string; password?: string; tls: boolean } = { tls: false };
  for (const [i, entry] of entries.entries()) {
    let host: string, port: number;
    if (/^rediss?:\/\//.test(entry)) {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        return { ok: false, message: `entry ${i + 1} is not a valid redis:// URL` };
      }
      if (!url.port || (url.pathname !== '' && url.pathname !== '/'))
        return { ok: false, message: `entry ${i + 1} must be redis[s]://[user:password@]host:port, without a path` };
      host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      port = Number(url.port);
      credentials = {
        tls: url.protocol === 'rediss:',
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      };
      access.add(`${url.protocol}|${url.username}|${url.password}`);
    } else {
      const m = PLAIN.exec(entry);
      if (!m) return { ok: false, message: `entry ${i + 1} must be host:port` };
      host = m[1]!.replace(/^\[(.*)\]$/, '$1');
      port = Number(m[2]);
      access.add('redis:||');
    }
    if (port < 1 || port > 65535) return { ok: false, message: `entry ${i + 1} has a port out of 1..65535` };
    nodes.push({ host, port });
  }
  if (access.size > 1)
    return { ok: false, message: 'entries must all use the same scheme, user and password (one cluster)' };
  return { ok: true, value: { kind: 'cluster', nodes, ...credentials } };
}
