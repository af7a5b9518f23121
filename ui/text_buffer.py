"""The text a keyboard edits, with a cursor: insert and delete anywhere, not only at the end. No Qt."""

from __future__ import annotations


class TextBuffer:
    def __init__(self, text: str = "", max_length: int | None = None) -> None:
        self._max = max_length
        self.text = text if max_length is None else text[:max_length]
        self.cursor = len(self.text)

    def insert(self, chars: str) -> bool:
        """Put `chars` at the cursor (all or nothing: a text over the limit is refused, False)."""
        if self._max is not None and len(self.text) + len(chars) > self._max:
            return False
        self.text = self.text[: self.cursor] + chars + self.text[self.cursor :]
        self.cursor += len(chars)
        return True

    def delete_before(self) -> None:
        if self.cursor > 0:
            self.text = self.text[: self.cursor - 1] + self.text[self.cursor :]
            self.cursor -= 1

    def move(self, step: int) -> None:
        self.cursor = max(0, min(len(self.text), self.cursor + step))

    def put_back(self, text: str, cursor: int) -> None:
        """The text and cursor a keyboard had before the screen was built again (within the limit)."""
        self.text = text if self._max is None else text[: self._max]
        self.cursor = max(0, min(len(self.text), cursor))

    def room(self) -> int | None:
        return None if self._max is None else self._max - len(self.text)
