"""Whole-phrase pinyin through librime (Debian librime1, schema luna_pinyin_simp: simplified output).

Why librime: it is the engine behind fcitx5-rime and ibus-rime, kept upstream and in Debian, with a
full lexicon (rime-data-luna-pinyin: ~70,000 words over 8 MB of tables) and sentence building, so
"diantihuaile" gives 电梯坏了 as one candidate, ranked by the engine. Its C API is made for bindings.

What this module guarantees:
- the dictionaries are compiled at build time, not on the terminal: `rime_prebuilt.py` compiles the
  kiosk's dictionary (luna pinyin + service words: 7-15 s) once, into a folder librime takes as its
  shared data (`PREBUILT_DIR`, in the venv: `scripts/bootstrap.sh` and the .deb build make it). A
  start on a new data folder then compiles nothing (1.4-1.9 s at load 8); one whose prebuilt folder is missing
  or stale (its digest of our files differs) falls back to Debian's data and compiles in the data
  folder, once, as before (slower, logged);
- learning is off (`translator/enable_user_dict: false`): librime would otherwise rank words by what
  earlier residents chose and keep that in a user dictionary on disk — a trace of one resident
  visible to the next. No userdb file is ever written;
- librime is one per process (glog and its module registry are global: `setup` may run only once),
  so `RimeEngine.start()` returns the same engine to every caller; each keyboard gets a session.

Calls after `start()` returns are made from one thread (the UI thread); `start()` itself runs in a
worker.
"""

from __future__ import annotations

import atexit
import ctypes
import hashlib
import logging
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ui.input_engines import rime_api as capi
from ui.input_engines.service_words import SERVICE_WORDS, dict_yaml

log = logging.getLogger(__name__)

SHARED_DATA_DIR = Path("/usr/share/rime-data")
# made at build time by rime_prebuilt.py: Debian's data (links) + our files + their compiled tables
PREBUILT_DIR = Path(sys.prefix) / "share" / "community-kiosk" / "rime"
DIGEST_FILE = "kiosk-data.digest"  # in the prebuilt folder and in each data folder: what it was made from
SCHEMA = "luna_pinyin_simp"

# what we set on top of the Debian schema: only our schema, no learning, candidates by the page we ask
_DEFAULT_CUSTOM = """\
patch:
  schema_list:
    - schema: luna_pinyin_simp
  menu/page_size: 10
"""
DICTIONARY = "kiosk_pinyin"  # luna pinyin with the service terminal's words on top (service_words.py)
_SCHEMA_CUSTOM = f"""\
patch:
  translator/enable_user_dict: false
  translator/dictionary: {DICTIONARY}
  translator/prism: {DICTIONARY}
  switches/@0/reset: 0
"""


class PinyinUnavailable(RuntimeError):
    """librime or its luna pinyin data is not installed, or the data folder cannot be written."""


def kiosk_files() -> tuple[tuple[str, str], ...]:
    """Our files on top of Debian's rime data: settings and the service words' dictionary."""
    return (
        ("default.custom.yaml", _DEFAULT_CUSTOM),
        (f"{SCHEMA}.custom.yaml", _SCHEMA_CUSTOM),
        (f"{DICTIONARY}.dict.yaml", dict_yaml(DICTIONARY, SERVICE_WORDS)),
    )


def data_digest() -> str:
    """What a prebuilt folder must have been made from to be used: our files' text."""
    h = hashlib.sha256()
    for name, text in kiosk_files():
        h.update(f"{name}\0{text}\0".encode())
    return h.hexdigest()[:16]


def prebuilt_ready(prebuilt_dir: Path | None) -> bool:
    """The prebuilt folder is there and made from the files this program has (not an older version's)."""
    if prebuilt_dir is None:
        return False
    try:
        digest = (prebuilt_dir / DIGEST_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return digest == data_digest() and (prebuilt_dir / "build" / f"{DICTIONARY}.table.bin").is_file()


def deploy_files(user_dir: Path) -> None:
    """Without a prebuilt folder: our files into librime's user folder (compiled into its build/)."""
    user_dir.mkdir(parents=True, exist_ok=True)
    (user_dir / "log").mkdir(exist_ok=True)
    for name, text in kiosk_files():
        path = user_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")  # a changed file makes librime rebuild: only when it differs


def _use_prebuilt(user_dir: Path) -> None:
    """With a prebuilt folder our files come from it: copies left in the user folder (a fallback
    start) would take precedence and make librime compile again."""
    user_dir.mkdir(parents=True, exist_ok=True)
    (user_dir / "log").mkdir(exist_ok=True)
    for name, _text in kiosk_files():
        (user_dir / name).unlink(missing_ok=True)


def _forget_other_build(user_dir: Path, made_from: str) -> None:
    """librime notices changed sources by their time stamps; a data folder compiled from another
    version (or in fallback) is reset by our digest instead, so it cannot keep stale tables."""
    stamp = user_dir / DIGEST_FILE
    try:
        if stamp.read_text(encoding="utf-8") == made_from:
            return
    except OSError:
        pass
    shutil.rmtree(user_dir / "build", ignore_errors=True)
    (user_dir / "user.yaml").unlink(missing_ok=True)  # holds librime's last build time
    stamp.write_text(made_from, encoding="utf-8")


@dataclass(frozen=True)
class Candidate:
    text: str
    index: int  # in the engine's whole list (page * page size + place on the page)


class RimeEngine:
    _instance: RimeEngine | None = None
    _lock = threading.Lock()

    def __init__(self, api: capi.RimeApi, user_dir: Path, data_dir: Path, deployed: bool) -> None:
        self._api = api
        self.user_dir = user_dir
        self.data_dir = data_dir  # librime's shared data: the prebuilt folder, or Debian's in fallback
        self.deployed_now = deployed  # True when this start ran librime's maintenance (a new data folder)

    @classmethod
    def start(
        cls, user_dir: Path, shared_dir: Path = SHARED_DATA_DIR, prebuilt_dir: Path | None = PREBUILT_DIR
    ) -> RimeEngine:
        """The process's engine, started on first call with `user_dir`.

        Blocking (under a second idle with the prebuilt folder; 7-20 s in fallback, when it is missing
        or stale, the first time on a data folder): call from a worker. Raises PinyinUnavailable.
        """
        with cls._lock:
            if cls._instance is not None:
                return cls._instance
            if not (shared_dir / "luna_pinyin.dict.yaml").exists():
                raise PinyinUnavailable(f"no luna pinyin data in {shared_dir} (Debian rime-data-luna-pinyin)")
            try:
                if prebuilt_ready(prebuilt_dir):
                    data_dir, made_from = prebuilt_dir, f"prebuilt {data_digest()}"
                    _use_prebuilt(user_dir)
                else:
                    log.warning("no current prebuilt pinyin data in %s: compiling in %s (slow, once)", prebuilt_dir, user_dir)
                    data_dir, made_from = shared_dir, f"compiled here {data_digest()}"
                    deploy_files(user_dir)
                _forget_other_build(user_dir, made_from)
            except OSError as exc:
                raise PinyinUnavailable(str(exc)) from exc
            cls._instance = cls._setup(user_dir, data_dir)
            return cls._instance

    @classmethod
    def _setup(cls, user_dir: Path, data_dir: Path) -> RimeEngine:
        """librime's setup with `data_dir` as its shared data (its build/ is librime's prebuilt
        folder), then its maintenance: it compiles what is missing or out of date into user_dir/build."""
        try:
            api = capi.load_api()
        except OSError as exc:
            raise PinyinUnavailable(str(exc)) from exc
        traits = capi.struct_init(capi.RimeTraits)
        # ctypes keeps no reference to bytes put into a struct: hold them for the process's life
        cls._keep = [str(data_dir).encode(), str(user_dir).encode(), str(user_dir / "log").encode()]
        traits.shared_data_dir, traits.user_data_dir, traits.log_dir = cls._keep
        traits.distribution_name = traits.distribution_code_name = b"community-kiosk"
        traits.distribution_version = b"1"
        traits.app_name = b"rime.community-kiosk"
        traits.min_log_level = 2  # errors only: librime's info log would list what was typed
        api.setup(ctypes.byref(traits))
        api.initialize(None)
        deployed = bool(api.start_maintenance(0))  # 0: rebuild only what is out of date
        if deployed:
            api.join_maintenance_thread()
        engine = cls(api, user_dir, data_dir, deployed)
        atexit.register(engine._finalize)  # without it librime crashes at interpreter exit
        return engine

    def composer(self) -> PinyinComposer:
        """A new input session (one per keyboard)."""
        session = self._api.create_session()
        if not session or not self._api.select_schema(session, SCHEMA.encode()):
            raise PinyinUnavailable(f"schema {SCHEMA} did not load (see {self.user_dir / 'log'})")
        return PinyinComposer(self._api, session)

    def _finalize(self) -> None:
        self._api.cleanup_all_sessions()
        self._api.finalize()


class PinyinComposer:
    """One librime session: letters in, ranked candidates out, the chosen text committed.

    `type()` adds a letter, `backspace()` removes the last one; `candidates(first, count)` reads the
    engine's ranked list from `first`; `choose(index)` takes candidate `index`: when it covers only
    the start of the letters (水管 of "shuiguanlou") the rest stays in the composition and the
    result is None until the last part is chosen; then the whole chosen text is returned.
    """

    def __init__(self, api: capi.RimeApi, session: int) -> None:
        self._api = api
        self._session = session

    @property
    def letters(self) -> str:
        raw = self._api.get_input(self._session)
        return raw.decode() if raw else ""

    @property
    def composing(self) -> bool:
        return bool(self.letters)

    def preedit(self) -> str:
        """What the composition shows: the parts chosen so far in hanzi, the rest as syllables."""
        ctx = capi.struct_init(capi.RimeContext)
        if not self._api.get_context(self._session, ctypes.byref(ctx)):
            return ""
        try:
            raw = ctx.composition.preedit
            return raw.decode() if raw else ""
        finally:
            self._api.free_context(ctypes.byref(ctx))

    def type(self, letter: str) -> None:
        if not (len(letter) == 1 and letter.isascii() and letter.isalpha()):
            raise ValueError("pinyin takes one latin letter at a time")
        self._api.process_key(self._session, ord(letter.lower()), 0)

    def backspace(self) -> None:
        self._api.process_key(self._session, capi.KEY_BACKSPACE, 0)

    def clear(self) -> None:
        self._api.clear_composition(self._session)

    def candidates(self, first: int = 0, count: int = 8) -> tuple[list[Candidate], bool]:
        """Up to `count` candidates from `first` in the engine's order, and whether more follow."""
        it = capi.RimeCandidateListIterator()
        found: list[Candidate] = []
        more = False
        if not self._api.candidate_list_begin(self._session, ctypes.byref(it)):
            return found, False
        try:
            index = 0
            while self._api.candidate_list_next(ctypes.byref(it)):
                if index >= first + count:
                    more = True
                    break
                if index >= first:
                    found.append(Candidate(it.candidate.text.decode(), index))
                index += 1
        finally:
            self._api.candidate_list_end(ctypes.byref(it))
        return found, more

    def choose(self, index: int) -> str | None:
        """Take candidate `index`; the committed text once nothing is left to choose, else None."""
        if not self._api.select_candidate(self._session, index):
            return None
        return self._take_commit()

    def commit_highlighted(self) -> str:
        """The highlighted candidate (the engine's first: for whole-phrase input, the whole
        sentence) — what 确定 takes while letters are open; "" when nothing is composed. Letters no
        candidate covers ("v") are committed as letters, never dropped."""
        while self.composing:
            if not self._api.select_candidate(self._session, 0):
                self._api.commit_composition(self._session)
            done = self._take_commit()
            if done is not None:
                return done
        return ""

    def _take_commit(self) -> str | None:
        commit = capi.struct_init(capi.RimeCommit)
        if not self._api.get_commit(self._session, ctypes.byref(commit)):
            return None
        try:
            return commit.text.decode() if commit.text else ""
        finally:
            self._api.free_commit(ctypes.byref(commit))

    def close(self) -> None:
        self._api.destroy_session(self._session)
