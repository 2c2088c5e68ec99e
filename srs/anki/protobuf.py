"""A minimal protobuf wire-format reader: enough of Anki's messages (the package meta, the
media map, note type configs) to read them without the protobuf runtime."""

from __future__ import annotations

from collections.abc import Iterator

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


def varint(data: bytes | bytearray, i: int) -> tuple[int, int]:
    """The unsigned varint at ``data[i:]`` and the index just after it."""
    shift = value = 0
    while True:
        if i >= len(data):
            raise ValueError("truncated varint")
        b = data[i]
        value |= (b & 0x7F) << shift
        i += 1
        if not b & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 64 bits")


def fields(data: bytes | bytearray) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of each field of a message, in order: an int for a
    varint, bytes for the others (a nested message or string is bytes to decode again)."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == VARINT:
            value, i = varint(data, i)
        else:
            if wire == LENGTH:
                size, i = varint(data, i)
            elif wire == FIXED64:
                size = 8
            elif wire == FIXED32:
                size = 4
            else:
                raise ValueError(f"unsupported wire type {wire}")
            if i + size > len(data):
                raise ValueError(f"truncated field {number}")
            value, i = bytes(data[i:i + size]), i + size
        yield number, wire, value


__all__ = ["FIXED32", "FIXED64", "LENGTH", "VARINT", "fields", "varint"]
