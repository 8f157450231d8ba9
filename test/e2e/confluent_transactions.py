"""confluent-kafka (librdkafka) transactions driven by the end-to-end tests. Prints JSON lines on stdout.

  confluent_transactions.py commit-abort BOOTSTRAP TOPIC       three transactions of 10 records: commit, abort, commit
  confluent_transactions.py read BOOTSTRAP TOPIC ISOLATION     every record up to the end, with isolation.level ISOLATION
  confluent_transactions.py ctp BOOTSTRAP INPUT OUTPUT GROUP   consume-transform-produce: each input record is copied
                                                               to OUTPUT in a transaction with the group's offsets; every
                                                               third transaction is aborted (after writing 'poison'
                                                               records) and its input redone from the committed offsets
  confluent_transactions.py fence BOOTSTRAP TOPIC              a producer is fenced by a second one with the same id
  confluent_transactions.py linger BOOTSTRAP TOPIC TIMEOUT_MS  opens a transaction with transaction.timeout.ms and waits
                                                               for the node to abort it, then tries to commit
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition


def emit(**fields):
    print(json.dumps(fields), flush=True)


def text(data):
    return None if data is None else data.decode('utf-8')


def transactional_producer(bootstrap, transactional_id, **settings):
    producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': transactional_id, 'linger.ms': 5, **settings})
    producer.init_transactions(30)
    return producer


def commit_abort(bootstrap, topic):
    producer = transactional_producer(bootstrap, 'txn-commit-abort')
    for number, outcome in enumerate(['commit', 'abort', 'commit']):
        producer.begin_transaction()
        for i in range(10):
            producer.produce(topic, key=f'k{i}', value=f'{outcome}-{number}-{i}', partition=i % 2)
        producer.flush(30)
        if outcome == 'commit':
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)
        emit(transaction=number, outcome=outcome)


def partitions_of(client, topic):
    return sorted(client.list_topics(topic, timeout=20).topics[topic].partitions.keys())


def read(bootstrap, topic, isolation):
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused', 'enable.auto.commit': False,
                         'isolation.level': isolation, 'enable.partition.eof': True})
    partitions = partitions_of(consumer, topic)
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    at_end = set()
    deadline = time.time() + 30
    while len(at_end) < len(partitions) and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error() is not None:
            if message.error().code() == -191:  # _PARTITION_EOF
                at_end.add(message.partition())
                continue
            raise KafkaException(message.error())
        emit(partition=message.partition(), offset=message.offset(), value=text(message.value()))
    consumer.close()
    if len(at_end) < len(partitions):
        sys.exit(f'only partitions {sorted(at_end)} reached their end')


def ctp(bootstrap, input_topic, output_topic, group):
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False,
                         'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
    producer = transactional_producer(bootstrap, f'ctp-{group}')
    consumer.subscribe([input_topic])
    done = 0
    transaction = 0
    idle_polls = 0
    while idle_polls < 5:
        messages = consumer.consume(50, 2.0)
        if not messages:
            idle_polls += 1
            continue
        idle_polls = 0
        for message in messages:
            if message.error() is not None:
                raise KafkaException(message.error())
        producer.begin_transaction()
        for message in messages:
            producer.produce(output_topic, key=message.key(), value=b'out-' + message.value())
        positions = consumer.position(consumer.assignment())
        producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
        transaction += 1
        if transaction % 3 == 0:
            producer.produce(output_topic, value=b'poison')
            producer.flush(30)  # abort_transaction would purge what is still queued: let it reach the log first
            producer.abort_transaction(30)
            # Redo from what the group committed: rewind each partition to its committed offset.
            for committed in consumer.committed(consumer.assignment(), 30):
                offset = committed.offset if committed.offset >= 0 else OFFSET_BEGINNING
                consumer.seek(TopicPartition(committed.topic, committed.partition, offset))
            emit(transaction=transaction, outcome='abort', records=len(messages))
            continue
        producer.commit_transaction(30)
        done += len(messages)
        emit(transaction=transaction, outcome='commit', records=len(messages))
    consumer.close()
    emit(done=done)


def fence(bootstrap, topic):
    first = transactional_producer(bootstrap, 'txn-fenced')
    first.begin_transaction()
    first.produce(topic, value=b'from-the-fenced-producer')
    first.flush(30)
    second = transactional_producer(bootstrap, 'txn-fenced')
    emit(step='second-initialised')
    try:
        first.commit_transaction(30)
        emit(step='first-committed')
    except KafkaException as error:
        emit(step='first-refused', fatal=error.args[0].fatal(), name=error.args[0].name())
    second.begin_transaction()
    second.produce(topic, value=b'from-the-new-producer')
    second.commit_transaction(30)
    emit(step='second-committed')


def linger(bootstrap, topic, timeout_ms):
    producer = transactional_producer(bootstrap, 'txn-linger', **{'transaction.timeout.ms': int(timeout_ms)})
    producer.begin_transaction()
    producer.produce(topic, value=b'never-committed')
    producer.flush(30)
    emit(step='produced')
    time.sleep(int(timeout_ms) / 1000 * 3)
    try:
        producer.commit_transaction(30)
        emit(step='committed')
    except KafkaException as error:
        emit(step='refused', name=error.args[0].name(), abortable=error.args[0].txn_requires_abort(), fatal=error.args[0].fatal())


if __name__ == '__main__':
    command, *arguments = sys.argv[1:]
    {'commit-abort': commit_abort, 'read': read, 'ctp': ctp, 'fence': fence, 'linger': linger}[command](*arguments)
