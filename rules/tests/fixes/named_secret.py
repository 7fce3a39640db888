"""Database settings."""
import logging

import psycopg

DB_PASSWORD = "pR7kq2vX9mLwQz4T"


def connect():
    return psycopg.connect(host="db.internal", password=DB_PASSWORD)
