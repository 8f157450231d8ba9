// Topic name rules as Kafka applies them (org.apache.kafka.common.internals.Topic): legal
// characters, length, "." and "..", and the '.'/'_' collision Kafka refuses at creation because
// both characters map to '_' in metric names.

const MAX_NAME_LENGTH = 249
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/

/** Kafka's reason a topic name is invalid ("Topic name is invalid: ..."), or undefined if it is legal. */
export function topicNameProblem (name: string): string | undefined {
  let reason: string | undefined
  if (name === '') reason = 'the empty string is not allowed'
  else if (name === '.') reason = "'.' is not allowed"
  else if (name === '..') reason = "'..' is not allowed"
  else if (name.length > MAX_NAME_LENGTH) reason = `the length of '${name}' is longer than the max allowed length ${MAX_NAME_LENGTH}`
  else if (!LEGAL_NAME.test(name)) reason = `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
  return reason === undefined ? undefined : `Topic name is invalid: ${reason}`
}

/** The name with '.' and '_' unified: two topics with the same key would share metric names. */
export function topicCollisionKey (name: string): string {
  return name.replaceAll('.', '_')
}
