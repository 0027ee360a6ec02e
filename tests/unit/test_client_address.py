from bot.client_address import client_address

PROXY = ("127.0.0.1", "10.0.0.0/8")


def test_peer_is_the_client_without_a_trusted_proxy():
    assert client_address("203.0.113.5", "198.51.100.7", PROXY) == "203.0.113.5"
    assert client_address("127.0.0.1", "198.51.100.7", ()) == "127.0.0.1"


def test_trusted_proxy_reports_the_client():
    assert client_address("127.0.0.1", "198.51.100.7", PROXY) == "198.51.100.7"


def test_a_forged_first_entry_is_skipped_past_our_own_hops():
    # The client wrote "1.2.3.4" itself; our proxies appended the real address and their own.
    assert client_address("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2", PROXY) == "198.51.100.7"


def test_garbage_in_the_header_counts_as_the_proxy():
    assert client_address("127.0.0.1", "not-an-ip", PROXY) == "127.0.0.1"
    assert client_address("127.0.0.1", "", PROXY) == "127.0.0.1"


def test_only_proxies_in_the_chain_gives_the_last_one():
    assert client_address("127.0.0.1", "10.0.0.3", PROXY) == "10.0.0.3"
