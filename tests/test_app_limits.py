"""Per-client bounds: questions a minute, and a growing delay and lockout after wrong admin passwords."""

from __future__ import annotations

from assistant.ui import limits as L


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_is_a_sliding_minute_per_client():
    clock = Clock()
    rate = L.RateLimit(3, clock)
    assert [rate.allow("a") for _ in range(4)] == [True, True, True, False]
    assert rate.allow("b")  # another client is not held back
    clock.now += 59.0
    assert not rate.allow("a")
    clock.now += 1.0  # a minute after the first three
    assert rate.allow("a")
    assert all(L.RateLimit(0, clock).allow("a") for _ in range(1000))  # 0: no bound


def test_wrong_passwords_double_the_wait_and_then_lock_the_client_out():
    clock = Clock()
    gate = L.PasswordGate("right", clock)
    waits = []
    for _ in range(L.LOCK_AFTER - 1):
        answer = gate.check("a", "wrong")
        assert not answer.ok and answer.message == "That password is not right."
        early = gate.check("a", "right")  # even the right password waits its turn
        assert not early.ok and "wait" in early.message
        waits.append(int(early.message.split()[2]))
        clock.now += L.MAX_DELAY_S
    assert waits[:4] == [1, 2, 4, 8] and max(waits) == L.MAX_DELAY_S
    locked = gate.check("a", "wrong")
    assert not locked.ok and "locked for 15 more minutes" in locked.message
    clock.now += L.LOCK_S - 1
    assert not gate.check("a", "right").ok
    assert gate.check("b", "right").ok  # one client's guesses do not lock another out
    clock.now += 1
    assert gate.check("a", "right").ok


def test_many_wrong_passwords_from_anyone_lock_the_admin_area_for_everyone():
    clock = Clock()
    gate = L.PasswordGate("right", clock)
    for i in range(L.LOCK_EVERYONE_AFTER):
        gate.check(f"client-{i}", "wrong")
    answer = gate.check("someone-new", "right")
    assert not answer.ok and "for everyone" in answer.message
    clock.now += L.LOCK_S
    assert gate.check("someone-new", "right").ok


def test_no_password_configured_opens_nothing():
    assert not L.PasswordGate("", Clock()).check("a", "").ok


def test_questions_are_bounded_per_session_and_more_widely_per_address():
    clock = Clock()
    bound = L.QuestionBound(3, clock)
    assert [bound.allow("10.0.0.1", "tab-a") for _ in range(4)] == [True, True, True, False]
    assert bound.allow("10.0.0.1", "tab-b")  # another person behind the same address
    # A script opening a new session for every question is still bounded by its address.
    answered = sum(bound.allow("10.0.0.9", f"session-{i}") for i in range(100))
    assert answered == 3 * L.ADDRESS_FACTOR
