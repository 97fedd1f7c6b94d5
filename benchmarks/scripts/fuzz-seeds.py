#!/usr/bin/env python3
"""Writes the seed inputs of the Jazzer fuzz targets (docs/security.md, "Fuzzing") from real messages.

Seeds are the RFC 4475 torture messages (proxy-core test resources, bit-exact RFC text) and every message the SIPp
scenarios of the interop tests send, with SIPp's keywords filled in as SIPp would. Run it from the repository root
after changing a scenario; it rewrites only the files whose names start with "rfc4475-" or "sipp-", so saved
findings stay. Output (one raw input per file, as Jazzer reads them):
  proxy-core/.../sip/SipMessageFuzzTestInputs/            whole messages, shared by the parser targets
  proxy-core/.../sip/sdp/SessionDescriptionFuzzTestInputs/ SDP bodies
  transfer-engine/.../call/ReferToFuzzTestInputs/          Refer-To and Replaces header values, and whole messages
"""
import glob
import os
import re
import sys

ROOT = os.getcwd()
SIP_INPUTS = "proxy-core/src/test/resources/dev/referee/sip/SipMessageFuzzTestInputs"
SDP_INPUTS = "proxy-core/src/test/resources/dev/referee/sip/sdp/SessionDescriptionFuzzTestInputs"
REFER_INPUTS = "transfer-engine/src/test/resources/dev/referee/engine/call/ReferToFuzzTestInputs"
COPY_INPUTS = "transfer-engine/src/test/resources/dev/referee/engine/call/HeaderCopierFuzzTestInputs"

# What SIPp would put in place of its keywords in one run of an interop test.
KEYWORDS = {
    "local_ip": "127.0.0.2", "local_port": "5070", "remote_ip": "127.0.0.1", "remote_port": "5060",
    "transport": "UDP", "call_number": "1", "pid": "4242", "service": "bob", "target": "carol",
    "branch": "z9hG4bK-4242-1-0", "call_id": "1-4242@127.0.0.2", "media_port": "6000", "media_ip": "127.0.0.2",
    "media_ip_type": "4", "local_ip_type": "4", "peer_tag_param": ";tag=referee-7", "next_url":
    "sip:bob@127.0.0.1:5060", "replaces_callid": "2-4242@127.0.0.2", "replaces_totag": "referee-9",
    "replaces_fromtag": "4242SIPpTag002", "redirect_to": "sip:carol@127.0.0.1:5060",
}
LAST = {
    "Via": "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1a-5f0c2e6b9d3a4c71;rport",
    "From": "From: <sip:alice@127.0.0.1:5060>;tag=1a-8e3b0c9f2d4e6a17",
    "To": "To: <sip:bob@127.0.0.2:5070>",
    "Call-ID": "Call-ID: 9c1f2a7e5b3d4c6a8e0f1b2c3d4e5f60@referee",
    "CSeq": "CSeq: 1 INVITE",
}
VARIABLES = {"callid": "9c1f2a7e5b3d4c6a8e0f1b2c3d4e5f60@referee", "local": "4242SIPpTag001",
             "remote": "1a-8e3b0c9f2d4e6a17", "retry_after": "5", "invitecseq": "1"}


def render(cdata):
    lines = [line.strip() for line in cdata.strip("\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    text = "\r\n".join(lines)

    def keyword(match):
        name = match.group(1)
        if name.startswith("last_"):
            return LAST.get(name[5:].rstrip(":"), "")
        if name.startswith("$"):
            return VARIABLES.get(name[1:], "x-" + name[1:])
        if name.startswith("branch"):
            return KEYWORDS["branch"]
        return KEYWORDS.get(name, match.group(0))

    text = re.sub(r"\[([$a-zA-Z_][a-zA-Z_0-9:\-]*)\]", keyword, text)
    head, _, body = text.partition("\r\n\r\n")
    body = body.rstrip("\r\n") + "\r\n" if body.strip() else ""
    head = head.replace("[len]", str(len(body.encode("latin-1"))))
    return (head + "\r\n\r\n" + body).encode("latin-1"), body.encode("latin-1")


def clear(directory, prefixes):
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*")):
        if os.path.isfile(path) and os.path.basename(path).startswith(prefixes):
            os.remove(path)


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as out:
        out.write(data)


def main():
    for directory in (SIP_INPUTS, SDP_INPUTS, REFER_INPUTS, COPY_INPUTS):
        clear(directory, ("rfc4475-", "sipp-"))
    seen = set()
    for path in sorted(glob.glob("proxy-core/src/test/resources/rfc4475/*.dat")):
        data = open(path, "rb").read()
        name = "rfc4475-" + os.path.basename(path)[:-4]
        write(SIP_INPUTS, name, data)
        write(COPY_INPUTS, name, data)
        if b"application/sdp" in data:
            write(SDP_INPUTS, name, data.split(b"\r\n\r\n", 1)[-1])
    for path in sorted(glob.glob("ops/src/test/resources/sipp/*.xml")):
        scenario = os.path.basename(path)[:-4]
        xml = open(path, encoding="latin-1").read()
        for index, cdata in enumerate(re.findall(r"<send[^>]*>\s*<!\[CDATA\[(.*?)\]\]>", xml, re.S)):
            message, body = render(cdata)
            key = re.sub(rb"z9hG4bK[^;\r]*|tag=[^;\r>]*|CSeq: \d+", b"", message)
            if key in seen:
                continue  # the same message in another scenario adds no coverage
            seen.add(key)
            name = "sipp-%s-%d" % (scenario, index)
            write(SIP_INPUTS, name, message)
            write(COPY_INPUTS, name, message)
            if body.startswith(b"v=0"):
                write(SDP_INPUTS, name, body)
            for header in re.findall(rb"^(?:Refer-To|Replaces): ?(.*)$", message, re.M):
                write(REFER_INPUTS, "%s-%d" % (name, len(os.listdir(REFER_INPUTS))), header.rstrip(b"\r"))
    print("seeds: %d messages, %d SDP bodies, %d Refer-To/Replaces values" % (
        len(os.listdir(SIP_INPUTS)), len(os.listdir(SDP_INPUTS)), len(os.listdir(REFER_INPUTS))))


if __name__ == "__main__":
    sys.exit(main())
