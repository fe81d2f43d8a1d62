"""The playground admits its own page only: its Host, its Origin, a class's code; any
input, however nested or strange, gets a 4xx, never a 5xx."""

import json

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

import warnings  # noqa: E402

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from starlette.testclient import TestClient  # noqa: E402

from descentlab.playground import create_app  # noqa: E402
from descentlab.playground.guard import MAX_DEPTH, Admission, depth  # noqa: E402

PORT = 8765


@pytest.fixture(scope="module")
def app():
    return create_app(admission=Admission.local(PORT, "127.0.0.1"))


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url=f"http://127.0.0.1:{PORT}", raise_server_exceptions=False)


@pytest.mark.parametrize("host, status", [
    (f"127.0.0.1:{PORT}", 200), (f"localhost:{PORT}", 200), (f"[::1]:{PORT}", 200),
    ("attacker.example", 403), (f"attacker.example:{PORT}", 403), ("127.0.0.1:1", 403),
    (f"127.0.0.1.attacker.example:{PORT}", 403), ("", 403)])
def test_only_the_servers_own_host_is_answered(client, host, status):
    r = client.get("/api/limits", headers={"Host": host})
    assert r.status_code == status, r.text
    if status == 403:
        assert "open the link the server printed" in r.json()["error"]


@pytest.mark.parametrize("origin, status", [
    (None, 200), (f"http://127.0.0.1:{PORT}", 200), (f"http://localhost:{PORT}", 200),
    ("http://attacker.example", 403), (f"http://127.0.0.1:{PORT + 1}", 403), ("null", 403)])
def test_a_post_from_another_origin_is_refused(client, origin, status):
    headers = {"Origin": origin} if origin else {}
    r = client.post("/api/train", content=json.dumps({"epochs": 3}), headers=headers)
    assert r.status_code == status, r.text
    if status == 403:
        assert "not from another web site" in r.json()["error"]


def test_the_default_admits_loopback_names_on_any_port_only():
    c = TestClient(create_app(), base_url="http://localhost:1234", raise_server_exceptions=False)
    assert c.get("/api/limits").status_code == 200
    assert c.get("/api/limits", headers={"Host": "evil.example:1234"}).status_code == 403


@pytest.mark.parametrize("body", [
    "[" * 20_000 + "]" * 20_000,
    '{"a":' * 20_000 + "1" + "}" * 20_000,
    json.dumps({"params": {"W": "X"}}).replace('"X"', "[" * 3000 + "1" + "]" * 3000),
    json.dumps({"velocity": {"b": "X"}}).replace('"X"', '{"a":' * 3000 + "1" + "}" * 3000),
    json.dumps({"params": {"W": "X"}}).replace('"X"', "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)),
])
def test_json_nested_deep_is_a_400_not_a_500(client, body):
    r = client.post("/api/train", content=body)
    assert r.status_code == 400 and "not a set of settings" in r.json()["error"], r.text[:200]


def test_a_json_body_with_a_byte_order_mark_is_read(client):
    body = "\ufeff" + json.dumps({"lr": 0.1, "epochs": 5})
    r = client.post("/api/train", content=body.encode("utf-8"))
    assert r.status_code == 200, r.text[:200]
    assert len(r.json()["loss"]) >= 5


def test_depth_counts_without_recursion():
    assert depth(1) == 0 and depth([]) == 1 and depth({"a": [1, {"b": []}]}) == 4
    deep = []
    for _ in range(5000):
        deep = [deep]
    assert depth(deep) > MAX_DEPTH


@pytest.mark.slow
def test_fuzzed_requests_never_get_a_5xx(client):
    """Any body, query and header the fuzzer makes: every answer is below 500 and JSON."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from descentlab.playground.settings import FIELDS

    scalars = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=6)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=4), inner, max_size=3), max_leaves=8)
    keys = st.sampled_from(sorted(FIELDS))
    bodies = st.dictionaries(keys, values, max_size=4).map(json.dumps) | values.map(json.dumps) \
        | st.binary(max_size=40).map(lambda b: b.decode("latin-1"))
    paths = st.sampled_from(["/api/train", "/api/csv", "/api/csv?feature=x&target=%00", "/api/limits",
                             "/api/class", "/api/stats", "/static/../settings.py", "/%2e%2e/", "/"])

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(paths, bodies, st.sampled_from(["GET", "POST", "PUT"]))
    def check(path, body, method):
        r = client.request(method, path, content=body.encode("utf-8", "surrogatepass"))
        assert r.status_code < 500, (path, body[:80], r.text[:200])

    check()


def test_a_class_admits_only_its_code_and_counts_its_students():
    admission = Admission.local(PORT, "127.0.0.1", classroom=True)
    admission.class_url = f"http://127.0.0.1:{PORT}/?class={admission.class_code}"
    app = create_app(admission=admission)
    base = f"http://127.0.0.1:{PORT}"
    stranger = TestClient(app, base_url=base, raise_server_exceptions=False)
    r = stranger.post("/api/train", json={"epochs": 2})
    assert r.status_code == 403 and "class code" in r.json()["error"]
    assert stranger.get("/?class=wrong").status_code == 403
    students = []
    for i in range(3):
        s = TestClient(app, base_url=base, raise_server_exceptions=False)
        entry = s.get(f"/?class={admission.class_code}", follow_redirects=False)
        assert entry.status_code == 303 and entry.headers["location"] == "/"
        assert "HttpOnly" in entry.headers["set-cookie"] and "SameSite=Strict" in entry.headers["set-cookie"]
        s.cookies.set("descentlab_class", admission.class_code)  # what the browser keeps
        assert s.get("/").status_code == 200
        assert s.post("/api/train", json={"epochs": 2 + i}, headers={"X-Client-Id": f"tab{i}"}).status_code == 200
        students.append(s)
    seen = students[0].get("/api/class").json()
    assert seen["class"] and seen["url"] == admission.class_url and "students" not in seen
    import importlib.util

    if importlib.util.find_spec("segno"):  # the playground extra's QR code
        assert seen["qr_svg"].lstrip().startswith("<svg") and "<path" in seen["qr_svg"]
    else:
        assert seen["qr_svg"] is None
    assert students[0].get("/api/stats").status_code == 403
    teacher = TestClient(app, base_url=base, raise_server_exceptions=False)
    entry = teacher.get(f"/?class={admission.class_code}&teacher={admission.teacher_code}", follow_redirects=False)
    assert "descentlab_teacher=" in ", ".join(entry.headers.get_list("set-cookie"))
    teacher.cookies.set("descentlab_teacher", admission.teacher_code)
    info = teacher.get("/api/class").json()
    assert info["teacher"] and info["students"] == 3
    assert teacher.get("/api/stats").json()["answered"] == 3


def test_no_class_says_so(client):
    assert client.get("/api/class").json() == {"class": False}
