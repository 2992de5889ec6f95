/**
 * The start of a Python script that talks POP3 to bin/ipop3d through Python's own poplib, over a socket pair (the
 * server started as a user's tunnel would start it). After it, `c` is a connected poplib.POP3 and `p` the server
 * process. argv: 1 the server program, 2 PATH for it, 3 MAIL (the maildrop).
 */
export const POPLIB_PRELUDE = `
import poplib, socket, subprocess, sys, json, re
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1]], stdin=b.fileno(), stdout=b.fileno(), env={'PATH': sys.argv[2], 'MAIL': sys.argv[3]})
b.close()
class P(poplib.POP3):
    def __init__(self, sock):
        self._tls_established = False
        self.sock = sock
        self.file = sock.makefile('rb')
        self._debugging = 0
        self.welcome = self._getresp()
c = P(a)
`;
