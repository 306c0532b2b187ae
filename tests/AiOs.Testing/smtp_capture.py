"""A real SMTP server for the tests: Debian's aiosmtpd, with a handler that writes every accepted message to a
directory (one .eml file each, written to a temporary name and renamed, so a reader never sees half a file), answers
recipients named reject...@ with 550 and flakyN@ with 451 for their first N attempts, and accepts AUTH (without TLS, on
loopback only) for user 'aios' with password 'right-password'. With HOLD_AT=N it holds the Nth recipient command of the
server's life without an answer (writing a file named 'held' first), until the client goes away, so that a test can kill
the sender mid-send knowing the message was not delivered.

    python3 smtp_capture.py PORT DIRECTORY [HOLD_AT]   prints READY when it accepts connections; stops on SIGTERM
"""
import asyncio
import os
import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Capture:
    def __init__(self, directory, hold_at):
        self.directory = directory
        self.hold_at = hold_at
        self.recipients = 0
        self.count = 0
        self.attempts = {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.recipients += 1
            held = self.recipients == self.hold_at
        if held:
            open(os.path.join(self.directory, 'held'), 'w').close()
            # At most a minute, so that a test that never kills the client does not hang the server.
            for _ in range(1200):
                if server.transport is None or server.transport.is_closing():
                    break
                await asyncio.sleep(0.05)
            return '421 4.3.2 held by the test'
        local = address.split('@', 1)[0].lower()
        if local.startswith('reject'):
            return '550 5.1.1 mailbox unavailable'
        if local.startswith('flaky'):
            failures = int(re.match(r'flaky(\d*)', local).group(1) or '1')
            with self.lock:
                seen = self.attempts.get(address, 0)
                self.attempts[address] = seen + 1
            if seen < failures:
                return '451 4.3.0 temporary failure, try again later'
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        path = os.path.join(self.directory, '%05d.eml' % number)
        with open(path + '.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + '.tmp', path)
        return '250 2.0.0 queued as %05d' % number


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b'aios' and auth_data.password == b'right-password'
    # handled=False: aiosmtpd then answers 535 itself (with the default handled=True it would answer nothing).
    return AuthResult(success=ok, handled=False)


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    hold_at = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    controller = Controller(Capture(directory, hold_at), hostname='127.0.0.1', port=port,
                            authenticator=authenticate, auth_require_tls=False)
    controller.start()
    print('READY', flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    main()
