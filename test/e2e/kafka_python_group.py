"""The consumer of the MSK Serverless guide with kafka-python, minus IAM: a consumer group member
(group_id, auto_offset_reset='earliest', enable_auto_commit=True) reading JSON events.

  kafka_python_group.py consume BOOTSTRAP TOPIC GROUP COUNT IDLE_SECONDS
      read until COUNT records arrived or nothing came for IDLE_SECONDS (after the first assignment),
      print one JSON line per record, then close (which commits, as auto-commit does on close).
"""
import json
import sys
import time

from kafka import KafkaConsumer


def consume(bootstrap, topic, group, count, idle_seconds):
    # As in the guide, apart from the bootstrap address, security settings and 'earliest'.
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=[bootstrap],
        group_id=group,
        auto_offset_reset='earliest',
        enable_auto_commit=True,
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
        key_deserializer=lambda k: k.decode('utf-8') if k is not None else None,
        session_timeout_ms=10000,
        heartbeat_interval_ms=1000,
    )
    received = 0
    last_activity = time.time()
    deadline = time.time() + 90
    while received < count and time.time() < deadline:
        batches = consumer.poll(timeout_ms=500)
        if not consumer.assignment():
            last_activity = time.time()
            continue
        if not batches and time.time() - last_activity > idle_seconds:
            break
        for records in batches.values():
            for message in records:
                event = message.value
                print(json.dumps({'partition': message.partition, 'offset': message.offset, 'key': message.key, 'value': event}), flush=True)
                received += 1
                last_activity = time.time()
    consumer.close()


if __name__ == '__main__':
    consume(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]))
