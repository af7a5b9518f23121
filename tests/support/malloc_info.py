"""glibc's malloc bytes in use (`mallinfo2().uordblks`): a native leak shows here, not in gc or
tracemalloc (the memory tests' measure)."""

from __future__ import annotations

import ctypes


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()
    ]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = _MallInfo2


def malloc_in_use() -> int:
    return _libc.mallinfo2().uordblks
