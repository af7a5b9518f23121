"""Input engines behind the on-screen keyboard: pinyin (librime) and handwriting (zinnia).

Both are C libraries from Debian called through ctypes; neither imports Qt, so they are tested
without a window. `ui/input_engines/loader.py` starts them in a worker after the first screen.
"""
