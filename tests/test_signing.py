from contract import signing


def test_signature_binds_method_path_body_and_time():
    key = b"k" * 32
    h = signing.sign_headers("T0001", "tok", key, "POST", "/v1/submissions:batch", b'{"a":1}', now=1000)
    args = (h[signing.HEADER_TIMESTAMP], h[signing.HEADER_NONCE])
    sig = h[signing.HEADER_SIGNATURE]
    assert signing.verify(key, "POST", "/v1/submissions:batch", *args, b'{"a":1}', sig)
    assert not signing.verify(key, "POST", "/v1/submissions:batch", *args, b'{"a":2}', sig)
    assert not signing.verify(key, "GET", "/v1/submissions:batch", *args, b'{"a":1}', sig)
    assert not signing.verify(key, "POST", "/v1/catalog", *args, b'{"a":1}', sig)
    assert not signing.verify(b"x" * 32, "POST", "/v1/submissions:batch", *args, b'{"a":1}', sig)
    assert h["Authorization"] == "Bearer tok"
