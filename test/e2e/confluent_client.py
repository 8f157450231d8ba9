"""confluent-kafka (librdkafka) driven by the end-to-end tests. Prints JSON lines on stdout.

  confluent_client.py produce BOOTSTRAP TOPIC COUNT       produce COUNT keyed records with headers; one line per delivery
  confluent_client.py consume BOOTSTRAP TOPIC COUNT       read COUNT records by assignment from OFFSET_BEGINNING
  confluent_client.py read-all BOOTSTRAP TOPIC            every record of every partition up to its high watermark
  confluent_client.py admin BOOTSTRAP TOPIC               create (validate-only, then real), list, describe configs, delete
  confluent_client.py produce-loop BOOTSTRAP TOPIC PARTITIONS STOPFILE [idempotent]
                                                          produce until STOPFILE exists, one line per delivery report;
                                                          with `idempotent`, enable.idempotence=true
"""
import json
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewTopic


def emit(**fields):
    print(json.dumps(fields), flush=True)


def text(data):
    return None if data is None else data.decode('utf-8')


def produce(bootstrap, topic, count):
    producer = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 5, 'enable.idempotence': False})
    failures = []

    def on_delivery(error, message):
        if error is not None:
            failures.append(str(error))
            emit(error=str(error), value=text(message.value()))
        else:
            emit(partition=message.partition(), offset=message.offset(), key=text(message.key()), value=text(message.value()))

    for i in range(count):
        producer.produce(topic, key=f'key-{i % 7}', value=f'value-{i}', headers=[('seq', str(i).encode()), ('origin', b'confluent')],
                         on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(60)
    if remaining or failures:
        sys.exit(f'{remaining} undelivered, {len(failures)} failed: {failures[:3]}')


def partitions_of(client, topic):
    metadata = client.list_topics(topic, timeout=20)
    described = metadata.topics[topic]
    if described.error is not None:
        raise KafkaException(described.error)
    return sorted(described.partitions)


def new_consumer(bootstrap):
    # group.id is required by librdkafka's consumer; no group is joined because nothing subscribes.
    return Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'skiff-e2e-unused',
        'enable.auto.commit': False,
        'enable.auto.offset.store': False,
        'check.crcs': True,
        'enable.partition.eof': True,
    })


def consume(bootstrap, topic, count):
    consumer = new_consumer(bootstrap)
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions_of(consumer, topic)])
    received = 0
    deadline = time.time() + 60
    while received < count and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(message.error())
        emit(partition=message.partition(), offset=message.offset(), key=text(message.key()), value=text(message.value()),
             headers=[[name, text(value)] for name, value in (message.headers() or [])])
        received += 1
    consumer.close()
    if received < count:
        sys.exit(f'received {received} of {count} records')


def read_all(bootstrap, topic):
    consumer = new_consumer(bootstrap)
    partitions = partitions_of(consumer, topic)
    ends = {}
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=20)
        ends[p] = high
        emit(watermarks=p, low=low, high=high)
    pending = {p for p in partitions if ends[p] > 0}
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    deadline = time.time() + 120
    while pending and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                if message.offset() >= ends[message.partition()]:
                    pending.discard(message.partition())
                continue
            raise KafkaException(message.error())
        emit(partition=message.partition(), offset=message.offset(), value=text(message.value()))
        if message.offset() + 1 >= ends[message.partition()]:
            pending.discard(message.partition())
    consumer.close()
    if pending:
        sys.exit(f'partitions {sorted(pending)} not read to their high watermark')


def admin(bootstrap, topic):
    client = AdminClient({'bootstrap.servers': bootstrap})
    new_topic = NewTopic(topic, num_partitions=4, replication_factor=-1, config={'retention.ms': '3600000', 'cleanup.policy': 'delete'})

    client.create_topics([new_topic], validate_only=True)[topic].result(30)
    emit(step='validate_only', listed=topic in client.list_topics(timeout=20).topics)

    client.create_topics([new_topic])[topic].result(30)
    metadata = client.list_topics(timeout=20)
    emit(step='created', listed=topic in metadata.topics, partitions=sorted(metadata.topics[topic].partitions),
         leaders=sorted({p.leader for p in metadata.topics[topic].partitions.values()}), brokers=sorted(metadata.brokers))

    try:
        client.create_topics([NewTopic(topic, num_partitions=1, replication_factor=-1)])[topic].result(30)
        emit(step='create_again', error=None)
    except KafkaException as error:
        emit(step='create_again', error=error.args[0].name())

    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    configs = client.describe_configs([resource])[resource].result(30)
    emit(step='describe_configs', configs={name: entry.value for name, entry in configs.items()},
         sources={name: ConfigSource(entry.source).name for name, entry in configs.items()})

    client.delete_topics([topic], operation_timeout=30)[topic].result(30)
    emit(step='deleted', listed=topic in client.list_topics(timeout=20).topics)

    try:
        client.delete_topics([topic], operation_timeout=30)[topic].result(30)
        emit(step='delete_again', error=None)
    except KafkaException as error:
        emit(step='delete_again', error=error.args[0].name())


def produce_loop(bootstrap, topic, partition_count, stop_file, idempotent):
    producer = Producer({
        'bootstrap.servers': bootstrap,
        'acks': 'all',
        'enable.idempotence': idempotent,
        'linger.ms': 2,
        'message.timeout.ms': 120000,
        'retry.backoff.ms': 50,
        'reconnect.backoff.ms': 20,
        'reconnect.backoff.max.ms': 200,
        'topic.metadata.refresh.interval.ms': 1000,
    })

    def on_delivery(error, message):
        if error is not None:
            emit(error=str(error), value=text(message.value()))
        else:
            emit(partition=message.partition(), offset=message.offset(), value=text(message.value()))

    sequence = 0
    while not os.path.exists(stop_file):
        if len(producer) >= 2000:
            producer.poll(0.01)
            continue
        try:
            producer.produce(topic, value=f'seq-{sequence}', partition=sequence % partition_count, on_delivery=on_delivery)
            sequence += 1
        except BufferError:
            producer.poll(0.01)
            continue
        if sequence % 20 == 0:
            producer.poll(0.002)
    remaining = producer.flush(180)
    emit(done=True, produced=sequence, undelivered=remaining)


if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'produce':
        produce(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == 'consume':
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == 'read-all':
        read_all(sys.argv[2], sys.argv[3])
    elif mode == 'admin':
        admin(sys.argv[2], sys.argv[3])
    elif mode == 'produce-loop':
        produce_loop(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6:7] == ['idempotent'])
    else:
        sys.exit(f'unknown mode {mode}')
