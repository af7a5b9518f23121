"""librime's C API through ctypes: only the part of `rime_api.h` (librime 1.8) the keyboard uses.

librime exposes one function, `rime_get_api()`, returning a struct of function pointers; the struct
below mirrors that header field by field up to the last pointer we call (the order is the ABI, so
every field before it must be listed, used or not). Keep it in step with /usr/include/rime_api.h.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_size_t,
    c_void_p,
)

Bool = c_int
SessionId = ctypes.c_size_t  # uintptr_t


class RimeTraits(Structure):
    _fields_ = [
        ("data_size", c_int),
        ("shared_data_dir", c_char_p),
        ("user_data_dir", c_char_p),
        ("distribution_name", c_char_p),
        ("distribution_code_name", c_char_p),
        ("distribution_version", c_char_p),
        ("app_name", c_char_p),
        ("modules", POINTER(c_char_p)),
        ("min_log_level", c_int),
        ("log_dir", c_char_p),
        ("prebuilt_data_dir", c_char_p),
        ("staging_dir", c_char_p),
    ]


class RimeComposition(Structure):
    _fields_ = [
        ("length", c_int),
        ("cursor_pos", c_int),
        ("sel_start", c_int),
        ("sel_end", c_int),
        ("preedit", c_char_p),
    ]


class RimeCandidate(Structure):
    _fields_ = [("text", c_char_p), ("comment", c_char_p), ("reserved", c_void_p)]


class RimeMenu(Structure):
    _fields_ = [
        ("page_size", c_int),
        ("page_no", c_int),
        ("is_last_page", Bool),
        ("highlighted_candidate_index", c_int),
        ("num_candidates", c_int),
        ("candidates", POINTER(RimeCandidate)),
        ("select_keys", c_char_p),
    ]


class RimeCommit(Structure):
    _fields_ = [("data_size", c_int), ("text", c_char_p)]


class RimeContext(Structure):
    _fields_ = [
        ("data_size", c_int),
        ("composition", RimeComposition),
        ("menu", RimeMenu),
        ("commit_text_preview", c_char_p),
        ("select_labels", POINTER(c_char_p)),
    ]


class RimeCandidateListIterator(Structure):
    _fields_ = [("ptr", c_void_p), ("index", c_int), ("candidate", RimeCandidate)]


def _fn(restype, *argtypes):
    return CFUNCTYPE(restype, *argtypes)


_NOTIFY = _fn(None, c_void_p, SessionId, c_char_p, c_char_p)
_UNUSED = c_void_p  # a pointer we never call: only its place in the struct matters


class RimeApi(Structure):
    _fields_ = [
        ("data_size", c_int),
        ("setup", _fn(None, POINTER(RimeTraits))),
        ("set_notification_handler", _fn(None, _NOTIFY, c_void_p)),
        ("initialize", _fn(None, POINTER(RimeTraits))),
        ("finalize", _fn(None)),
        ("start_maintenance", _fn(Bool, Bool)),
        ("is_maintenance_mode", _fn(Bool)),
        ("join_maintenance_thread", _fn(None)),
        ("deployer_initialize", _fn(None, POINTER(RimeTraits))),
        ("prebuild", _fn(Bool)),
        ("deploy", _fn(Bool)),
        ("deploy_schema", _fn(Bool, c_char_p)),
        ("deploy_config_file", _fn(Bool, c_char_p, c_char_p)),
        ("sync_user_data", _fn(Bool)),
        ("create_session", _fn(SessionId)),
        ("find_session", _fn(Bool, SessionId)),
        ("destroy_session", _fn(Bool, SessionId)),
        ("cleanup_stale_sessions", _fn(None)),
        ("cleanup_all_sessions", _fn(None)),
        ("process_key", _fn(Bool, SessionId, c_int, c_int)),
        ("commit_composition", _fn(Bool, SessionId)),
        ("clear_composition", _fn(None, SessionId)),
        ("get_commit", _fn(Bool, SessionId, POINTER(RimeCommit))),
        ("free_commit", _fn(Bool, POINTER(RimeCommit))),
        ("get_context", _fn(Bool, SessionId, POINTER(RimeContext))),
        ("free_context", _fn(Bool, POINTER(RimeContext))),
        ("get_status", _UNUSED),
        ("free_status", _UNUSED),
        ("set_option", _fn(None, SessionId, c_char_p, Bool)),
        ("get_option", _fn(Bool, SessionId, c_char_p)),
        ("set_property", _UNUSED),
        ("get_property", _UNUSED),
        ("get_schema_list", _UNUSED),
        ("free_schema_list", _UNUSED),
        ("get_current_schema", _fn(Bool, SessionId, c_char_p, c_size_t)),
        ("select_schema", _fn(Bool, SessionId, c_char_p)),
        ("schema_open", _UNUSED),
        ("config_open", _UNUSED),
        ("config_close", _UNUSED),
        ("config_get_bool", _UNUSED),
        ("config_get_int", _UNUSED),
        ("config_get_double", _UNUSED),
        ("config_get_string", _UNUSED),
        ("config_get_cstring", _UNUSED),
        ("config_update_signature", _UNUSED),
        ("config_begin_map", _UNUSED),
        ("config_next", _UNUSED),
        ("config_end", _UNUSED),
        ("simulate_key_sequence", _fn(Bool, SessionId, c_char_p)),
        ("register_module", _UNUSED),
        ("find_module", _UNUSED),
        ("run_task", _UNUSED),
        ("get_shared_data_dir", _UNUSED),
        ("get_user_data_dir", _UNUSED),
        ("get_sync_dir", _UNUSED),
        ("get_user_id", _UNUSED),
        ("get_user_data_sync_dir", _UNUSED),
        ("config_init", _UNUSED),
        ("config_load_string", _UNUSED),
        ("config_set_bool", _UNUSED),
        ("config_set_int", _UNUSED),
        ("config_set_double", _UNUSED),
        ("config_set_string", _UNUSED),
        ("config_get_item", _UNUSED),
        ("config_set_item", _UNUSED),
        ("config_clear", _UNUSED),
        ("config_create_list", _UNUSED),
        ("config_create_map", _UNUSED),
        ("config_list_size", _UNUSED),
        ("config_begin_list", _UNUSED),
        ("get_input", _fn(c_char_p, SessionId)),
        ("get_caret_pos", _fn(c_size_t, SessionId)),
        ("select_candidate", _fn(Bool, SessionId, c_size_t)),
        ("get_version", _fn(c_char_p)),
        ("set_caret_pos", _fn(None, SessionId, c_size_t)),
        ("select_candidate_on_current_page", _fn(Bool, SessionId, c_size_t)),
        ("candidate_list_begin", _fn(Bool, SessionId, POINTER(RimeCandidateListIterator))),
        ("candidate_list_next", _fn(Bool, POINTER(RimeCandidateListIterator))),
        ("candidate_list_end", _fn(None, POINTER(RimeCandidateListIterator))),
    ]


# X11 keysyms librime reads (process_key takes keysyms, as ibus and fcitx pass them)
KEY_BACKSPACE = 0xFF08
KEY_RETURN = 0xFF0D
KEY_ESCAPE = 0xFF1B
KEY_PAGE_UP = 0xFF55
KEY_PAGE_DOWN = 0xFF56


def struct_init(cls: type[Structure]) -> Structure:
    """RIME_STRUCT_INIT: a zeroed struct whose data_size is its size minus the int itself."""
    s = cls()
    s.data_size = ctypes.sizeof(cls) - ctypes.sizeof(c_int)
    return s


def load_api() -> RimeApi:
    """The API struct of the installed librime. Raises OSError when librime1 is not installed."""
    name = ctypes.util.find_library("rime") or "librime.so.1"
    lib = ctypes.CDLL(name)
    lib.rime_get_api.restype = POINTER(RimeApi)
    api = lib.rime_get_api()
    if not api:
        raise OSError("rime_get_api returned NULL")
    return api.contents
