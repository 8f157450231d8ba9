"""The producer and consumer of the MSK Serverless guide, with kafka-python, minus IAM.

  kafka_python_guide.py produce BOOTSTRAP TOPIC COUNT   prints one JSON line per acknowledged record
  kafka_python_guide.py consume BOOTSTRAP TOPIC COUNT   reads COUNT records from the beginning of every
                                                         partition by assignment (no consumer group)
                                                         and prints one JSON line per record
"""
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def produce(bootstrap, topic, count, **security):
    # As in the guide: acks='all', retries, 16 KiB batches, 5 ms linger, JSON values, string keys.
    # `security`: the guide's TLS and IAM settings, when iam_python_clients.py runs it.
    producer = KafkaProducer(
        bootstrap_servers=[bootstrap],
        value_serializer=lambda v: json.dumps(v).encode('utf-8'),
        key_serializer=lambda k: k.encode('utf-8') if k else None,
        acks='all',
        retries=3,
        batch_size=16384,
        linger_ms=5,
        **security,
    )
    sent = []
    for i in range(count):
        event = {
            'userId': f'user-{i % 50}',
            'eventType': 'page_view',
            'page': f'/product/{i}',
            'timestamp': 1707753600000 + i,
        }
        future = producer.send(topic, key=event['userId'], value=event)
        if i % 10 == 0:
            future.get(timeout=30)
        sent.append((event, future))
    producer.flush()
    for event, future in sent:
        metadata = future.get(timeout=30)
        print(json.dumps({'partition': metadata.partition, 'offset': metadata.offset, 'key': event['userId'], 'value': event}), flush=True)
    producer.close()


def consume(bootstrap, topic, count):
    consumer = KafkaConsumer(
        bootstrap_servers=[bootstrap],
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset='earliest',
        key_deserializer=lambda k: k.decode('utf-8') if k is not None else None,
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
    )
    partitions = None
    deadline = time.time() + 30
    while not partitions and time.time() < deadline:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            time.sleep(0.1)
    if not partitions:
        sys.exit(f'no partitions for topic {topic}')
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)
    received = 0
    deadline = time.time() + 60
    while received < count and time.time() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            for message in records:
                print(json.dumps({'partition': message.partition, 'offset': message.offset, 'key': message.key, 'value': message.value}))
                received += 1
    consumer.close()
    if received < count:
        sys.exit(f'received {received} of {count} records')


if __name__ == '__main__':
    mode, bootstrap, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    {'produce': produce, 'consume': consume}[mode](bootstrap, topic, count)
