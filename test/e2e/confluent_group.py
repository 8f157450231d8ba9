"""confluent-kafka (librdkafka) consumer group members driven by the end-to-end tests. Prints JSON lines on stdout.

  confluent_group.py member BOOTSTRAP TOPIC GROUP STOPFILE [--assignor NAME] [--instance ID] [--session-ms MS]
      subscribe and consume until STOPFILE exists, committing each record synchronously after printing it,
      then close. Lines: {"event": "assigned"|"revoked", "partitions": [...], "owned": [...]} after each
      rebalance callback, {"event": "record", "partition", "offset", "value"} per record, {"event": "closed"}.
  confluent_group.py consume-count BOOTSTRAP TOPIC GROUP COUNT
      consume COUNT records (committing each), print them, commit, close.
  confluent_group.py committed BOOTSTRAP TOPIC GROUP
      print {"partition": p, "offset": committed} for every partition of TOPIC.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition


def emit(**fields):
    print(json.dumps(fields), flush=True)


def new_consumer(bootstrap, group, assignor='range', instance=None, session_ms=6000):
    config = {
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'partition.assignment.strategy': assignor,
        'session.timeout.ms': session_ms,
        'heartbeat.interval.ms': 500,
        'max.poll.interval.ms': 30000,
        'topic.metadata.refresh.interval.ms': 5000,
    }
    if instance is not None:
        config['group.instance.id'] = instance
    return Consumer(config)


def commit(consumer, message):
    """Commits one record synchronously. A commit racing a rebalance is refused as Kafka refuses it:
    REBALANCE_IN_PROGRESS between JoinGroup and SyncGroup (the member keeps what it owns until its
    next poll, so it retries), or ILLEGAL_GENERATION when it still carried the previous generation
    (librdkafka then drops its generation and must poll to rejoin: the record stays uncommitted and
    may be read again by the partition's next owner)."""
    for attempt in range(200):
        try:
            consumer.commit(message=message, asynchronous=False)
            return
        except KafkaException as error:
            code = error.args[0].code()
            if code == KafkaError.ILLEGAL_GENERATION:
                emit(event='commit-failed', partition=message.partition(), offset=message.offset(),
                     value=message.value().decode('utf-8'), error=error.args[0].name())
                return
            if code != KafkaError.REBALANCE_IN_PROGRESS:
                raise
            emit(event='commit-retry', partition=message.partition(), offset=message.offset(), attempt=attempt, error=error.args[0].name())
            time.sleep(0.05)
    raise RuntimeError('commit kept failing with REBALANCE_IN_PROGRESS')


def member(bootstrap, topic, group, stopfile, assignor='range', instance=None, session_ms=6000):
    consumer = new_consumer(bootstrap, group, assignor, instance, session_ms)
    owned = set()

    def on_assign(consumer, partitions):
        if assignor == 'cooperative-sticky':
            consumer.incremental_assign(partitions)
            owned.update(p.partition for p in partitions)
        else:
            owned.clear()
            owned.update(p.partition for p in partitions)
        emit(event='assigned', partitions=sorted(p.partition for p in partitions), owned=sorted(owned))

    def on_revoke(consumer, partitions):
        if assignor == 'cooperative-sticky':
            consumer.incremental_unassign(partitions)
            owned.difference_update(p.partition for p in partitions)
        else:
            owned.clear()
        emit(event='revoked', partitions=sorted(p.partition for p in partitions), owned=sorted(owned))

    def on_lost(consumer, partitions):
        owned.difference_update(p.partition for p in partitions)
        emit(event='lost', partitions=sorted(p.partition for p in partitions), owned=sorted(owned))

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    while not os.path.exists(stopfile):
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                continue
            emit(event='error', error=str(message.error()))
            continue
        emit(event='record', partition=message.partition(), offset=message.offset(), value=message.value().decode('utf-8'))
        commit(consumer, message)
    consumer.close()
    emit(event='closed')


def consume_count(bootstrap, topic, group, count):
    consumer = new_consumer(bootstrap, group)
    consumer.subscribe([topic])
    received = 0
    deadline = time.time() + 60
    while received < count and time.time() < deadline:
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(message.error())
        emit(partition=message.partition(), offset=message.offset(), value=message.value().decode('utf-8'))
        commit(consumer, message)
        received += 1
    consumer.close()
    if received < count:
        sys.exit(f'received {received} of {count} records')


def committed(bootstrap, topic, group):
    consumer = new_consumer(bootstrap, group)
    metadata = consumer.list_topics(topic, timeout=20)
    partitions = [TopicPartition(topic, p) for p in sorted(metadata.topics[topic].partitions)]
    for partition in consumer.committed(partitions, timeout=20):
        emit(partition=partition.partition, offset=partition.offset)
    consumer.close()


if __name__ == '__main__':
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == 'member':
        options = {}
        positional = []
        index = 0
        while index < len(args):
            if args[index].startswith('--'):
                options[args[index][2:].replace('-', '_')] = args[index + 1]
                index += 2
            else:
                positional.append(args[index])
                index += 1
        if 'session_ms' in options:
            options['session_ms'] = int(options['session_ms'])
        member(*positional, **options)
    elif mode == 'consume-count':
        consume_count(args[0], args[1], args[2], int(args[3]))
    elif mode == 'committed':
        committed(args[0], args[1], args[2])
    else:
        sys.exit(f'unknown mode {mode}')
