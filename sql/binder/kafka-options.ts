// The Kafka client settings a source may pass as `properties.<name>`, and what is wrong with a
// value: shared by the binder (plan-time diagnostics, so `check` catches them) and the Kafka
// source (which builds its client from them). Pure: names and texts in, messages out.

/** `properties.<name>` settings the Kafka source understands. */
export const KAFKA_PROPERTIES = [
  'client.id',
  'security.protocol',
  'sasl.mechanism',
  'sasl.username',
  'sasl.password',
  'sasl.jaas.config',
  'isolation.level',
  'max.partition.fetch.bytes',
  'fetch.max.wait.ms',
  'request.timeout.ms',
  'socket.connection.setup.timeout.ms',
] as const;

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'];
const ISOLATION_LEVELS = ['read_committed', 'read_uncommitted'];
/** Integer settings and their least value. */
const INTEGERS: Readonly<Record<string, number>> = {
  'max.partition.fetch.bytes': 1024,
  'fetch.max.wait.ms': 0,
  'request.timeout.ms': 1,
  'socket.connection.setup.timeout.ms': 1,
};

/**
 * What is wrong with `properties.<name> = value` (value as written or from the environment: the
 * message shows `shown` instead), or undefined when the setting is fine.
 */
export function kafkaPropertyProblem(name: string, value: string, shown = value): string | undefined {
  if (!(KAFKA_PROPERTIES as readonly string[]).includes(name))
    return `unsupported Kafka property 'properties.${name}' (supported: ${KAFKA_PROPERTIES.map((p) => `properties.${p}`).join(', ')})`;
  const v = value.trim();
  switch (name) {
    case 'security.protocol':
      return SECURITY_PROTOCOLS.includes(v.toUpperCase()) ? undefined : `unknown properties.security.protocol '${shown}' (use ${SECURITY_PROTOCOLS.join(', ')})`;
    case 'sasl.mechanism':
      return SASL_MECHANISMS.includes(v.toLowerCase()) ? undefined : `unsupported properties.sasl.mechanism '${shown}' (use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)`;
    case 'isolation.level':
      return ISOLATION_LEVELS.includes(v.toLowerCase()) ? undefined : `unknown properties.isolation.level '${shown}' (use read_committed or read_uncommitted)`;
  }
  const min = INTEGERS[name];
  if (min !== undefined) {
    const n = Number(v);
    if (v === '' || !Number.isInteger(n) || n < min) return `properties.${name} must be an integer >= ${min}, not '${shown}'`;
  }
  return undefined;
}

/** A SASL protocol without credentials, from the settings given (name -> value), or undefined. */
export function kafkaSaslProblem(props: ReadonlyMap<string, string>): string | undefined {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase();
  if (!protocol.startsWith('SASL_')) return undefined;
  const jaas = props.get('sasl.jaas.config') ?? '';
  const username = props.get('sasl.username') ?? /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  const password = props.get('sasl.password') ?? /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  return username === undefined || password === undefined
    ? 'SASL needs properties.sasl.username and properties.sasl.password (or properties.sasl.jaas.config)'
    : undefined;
}
