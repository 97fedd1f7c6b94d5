#!/usr/bin/env bash
# Makes the test certificates of this directory (committed, so that tests need no openssl): a test CA, a server
# certificate for 127.0.0.1/localhost and a client certificate it signed, and a self-signed "rogue" certificate no test
# trusts. EC P-256 keys (fast handshakes), unencrypted PKCS#8, valid for 100 years. Run it here to make new ones (the
# CA's key is not kept: every file is made anew, the CA too).
# The server certificate names 127.0.0.1 twice: as an IP address (what the JDK, Referee and most clients match an
# address against) and as a DNS name, for linphone, which matches only the CN and DNS-type subjectAltNames
# (docs/transfers.md, "Real phones").
set -euo pipefail
cd "$(dirname "$0")"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=Referee Test CA" -days $days -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

issue() # name subject extensions
{
    key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    printf '%s\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days $days -extfile "$1.ext" \
        -out "$1.pem"
    rm -f "$1.csr" "$1.ext"
}
issue server "/CN=localhost" "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"
issue client "/CN=phone.test" "subjectAltName=DNS:phone.test
extendedKeyUsage=clientAuth,serverAuth"

key rogue.key
openssl req -x509 -new -key rogue.key -subj "/CN=localhost" -days $days -out rogue.pem \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"
rm -f ca.srl ca.key
