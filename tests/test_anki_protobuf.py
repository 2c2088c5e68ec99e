"""The protobuf wire-format reader, on messages encoded by hand from the format's spec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs.anki.protobuf import FIXED32, FIXED64, LENGTH, VARINT, fields, varint


def encode_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def test_varint_examples_from_the_spec():
    assert varint(b"\x01", 0) == (1, 1)
    assert varint(b"\x96\x01", 0) == (150, 2)
    assert varint(b"\xff\xff\xff\xff\x0f", 0) == (2**32 - 1, 5)
    assert varint(b"\x00\xac\x02", 1) == (300, 3)


def test_every_wire_type():
    message = (b"\x08\x96\x01"                       # 1: varint 150
               + b"\x12\x07testing"                   # 2: length-delimited "testing"
               + b"\x19" + bytes(range(8))            # 3: fixed64
               + b"\x25" + b"\x01\x02\x03\x04")       # 4: fixed32
    assert list(fields(message)) == [(1, VARINT, 150), (2, LENGTH, b"testing"),
                                     (3, FIXED64, bytes(range(8))), (4, FIXED32, b"\x01\x02\x03\x04")]


def test_nested_message_like_ankis_media_map():
    entry = b"\x0a\x05a.mp3" + b"\x10\x2a"           # MediaEntry { name = "a.mp3"; size = 42 }
    entries = b"\x0a" + encode_varint(len(entry)) + entry
    (number, wire, value), = fields(entries)
    assert (number, wire) == (1, LENGTH)
    assert list(fields(value)) == [(1, LENGTH, b"a.mp3"), (2, VARINT, 42)]


@pytest.mark.parametrize("data, message", [
    (b"\x08", "truncated varint"),
    (b"\x08\x96", "truncated varint"),
    (b"\x12\x07test", "truncated field 2"),
    (b"\x19\x00\x01", "truncated field 3"),
    (b"\x0b", "unsupported wire type 3"),       # group start: not used by Anki
    (b"\x08" + b"\xff" * 10 + b"\x01", "longer than 64 bits"),
])
def test_broken_messages_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        list(fields(data))


@given(st.lists(st.tuples(st.integers(1, 2**29 - 1), st.one_of(st.integers(0, 2**64 - 1), st.binary(max_size=40)))))
def test_what_is_encoded_is_read_back(items):
    data = b""
    for number, value in items:
        if isinstance(value, int):
            data += encode_varint(number << 3 | VARINT) + encode_varint(value)
        else:
            data += encode_varint(number << 3 | LENGTH) + encode_varint(len(value)) + value
    assert [(n, v) for n, _, v in fields(data)] == items
