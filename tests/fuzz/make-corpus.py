#!/usr/bin/env python3
"""Writes the seed corpora in corpus/<target>/ (run once; the files are kept
in the repository). Real-looking inputs: what Linphone, baresip, kamailio and
vo-daemon itself send in the interop tests, plus a few edge cases."""
import gzip
import os
import zlib

here = os.path.dirname(os.path.abspath(__file__))
seeds = {}


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    seeds.setdefault(target, {})[name] = data


def crlf(text):
    return text.replace("\n", "\r\n")


# SDP: offers and answers of the peers in the interop tests.
seed("sdp", "linphone-offer", crlf("""v=0
o=bob 2219 1384 IN IP4 127.0.0.1
s=Talk
c=IN IP4 127.0.0.1
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 SILK/16000
a=rtpmap:98 speex/16000
a=fmtp:98 vbr=on
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=yes
a=rtpmap:101 telephone-event/48000
a=rtpmap:99 telephone-event/16000
a=rtpmap:100 telephone-event/8000
a=rtcp:7079
a=rtcp-fb:* trr-int 1000
a=rtcp-fb:* ccm tmmbr
"""))
seed("sdp", "baresip-offer-srtp", crlf("""v=0
o=- 1418722158 3617155012 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 10004 RTP/AVP 96 9 0 8 101
b=AS:96
a=rtpmap:96 opus/48000/2
a=fmtp:96 stereo=1;sprop-stereo=1
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
a=label:1
a=rtcp-rsize
a=ssrc:1540370837 cname:e4d8cd19-3a02-4a69-bd9e-12b5e5e0f4a5
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:DaSlHBBxWF3wZrHVUtH1QkmgrjUvF+PqUI8X0Ttz
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:aCVqNkb4VMMB3Adh1uyv4AGCmdX+gmXyq43CDCtX
"""))
seed("sdp", "answer-hold-ipv6", crlf("""v=0
o=peer 1 2 IN IP6 ::1
s=-
c=IN IP6 ::1
t=0 0
m=video 0 RTP/AVP 96
m=audio 5000 RTP/SAVP 0 101
c=IN IP6 ::1
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=sendonly
"""))
seed("sdp", "answer-opus-g722", crlf("""v=0
o=peer 1 1 IN IP4 127.0.0.2
s=-
c=IN IP4 0.0.0.0
t=0 0
m=audio 5002 RTP/AVP 111 9 100
a=rtpmap:111 opus/48000/2
a=rtpmap:9 G722/8000
a=rtpmap:100 telephone-event/48000
a=inactive
"""))

# PIDF/RPID: kamailio (as it aggregates), baresip, Linphone, our own.
seed("pidf", "baresip-open", """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf"
    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
    xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"
    entity="sip:bob@127.0.0.1">
  <dm:person id="p4159"><rpid:activities/></dm:person>
  <tuple id="t4109"><status><basic>open</basic></status><contact>sip:bob@127.0.0.1</contact></tuple>
</presence>
""")
seed("pidf", "linphone-away", """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:carol@127.0.0.1" xmlns:pidfonline="http://www.linphone.org/xsds/pidfonline.xsd" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid">
 <tuple id="qmb6dy"><status><basic>open</basic><pidfonline:online/></status><contact priority="0.8">sip:carol@127.0.0.1</contact><timestamp>2024-05-01T12:30:00Z</timestamp></tuple>
 <dm:person id="sip:carol@127.0.0.1"><rpid:activities><rpid:away/></rpid:activities><dm:note xml:lang="en">Back at 3 &amp; later</dm:note></dm:person>
</presence>
""")
seed("pidf", "kamailio-closed", """<?xml version='1.0' encoding='UTF-8'?>
<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:dave@vo.test'>
<tuple id='0x7f'><status><basic>closed</basic></status></tuple>
</presence>
""")
seed("pidf", "vo-dnd", """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="sip:alice@vo.test">
<tuple id="vo"><status><basic>open</basic></status><note>In a meeting</note></tuple>
<dm:person id="p"><rpid:activities><rpid:busy/><rpid:other>dnd</rpid:other></rpid:activities></dm:person>
</presence>
""")
seed("pidf", "on-the-phone", """<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:e@x"><tuple id="a"><status><basic>open</basic></status></tuple><person xmlns="urn:ietf:params:xml:ns:pidf:data-model"><rpid:activities><rpid:on-the-phone/></rpid:activities><note>caf\u00e9</note></person></presence>""")

imdn_delivered = """<?xml version="1.0" encoding="UTF-8"?>
<imdn xmlns="urn:ietf:params:xml:ns:imdn">
<message-id>Xt6m1sBqeY</message-id>
<datetime>2024-05-01T12:30:00Z</datetime>
<delivery-notification><status><delivered/></status></delivery-notification>
</imdn>
"""
imdn_displayed = """<?xml version="1.0" encoding="UTF-8"?><imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>vo-8c1d</message-id><datetime>2024-05-01T12:30:00.123Z</datetime><display-notification><status><displayed/></status></display-notification></imdn>"""
imdn_error = """<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>m1</message-id><delivery-notification><status><error/></status></delivery-notification><processing-notification><status><stored/></status></processing-notification></imdn>"""
seed("imdn", "linphone-delivered", imdn_delivered)
seed("imdn", "vo-displayed", imdn_displayed)
seed("imdn", "error-processing", imdn_error)

cpim_text = crlf("""From: <sip:bob@127.0.0.1>
To: <sip:alice@127.0.0.1>
DateTime: 2024-05-01T12:30:00Z
NS: imdn <urn:ietf:params:imdn>
imdn.Message-ID: Xt6m1sBqeY
imdn.Disposition-Notification: positive-delivery, display

Content-Type: text/plain;charset=UTF-8
Content-Length: 12

Hello, Alice""")
cpim_receipt = crlf("""From: <sip:bob@127.0.0.1>
To: <sip:alice@127.0.0.1>
NS: imdn <urn:ietf:params:imdn>
imdn.Message-ID: rcpt1
DateTime: 2024-05-01T12:30:01Z

Content-Type: message/imdn+xml
Content-Disposition: notification
Content-Length: %d

""") % len(imdn_delivered) + imdn_delivered
seed("cpim", "linphone-text", cpim_text)
seed("cpim", "linphone-receipt", cpim_receipt)
seed("cpim", "msilo-offline", "[Offline message - Sun Nov 29 04:00:00 2026] " + crlf("""From: "Bob B." <sip:bob@vo.test>
To: <sip:alice@vo.test>

Content-Type: text/plain

stored while you were away"""))

# Whole MESSAGE requests (Sofia parses them first).
def message(content_type, body, extra=""):
    if isinstance(body, str):
        body = body.encode()
    head = crlf(f"""MESSAGE sip:alice@127.0.0.1:5070 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776asdhds
Max-Forwards: 70
From: "Bob" <sip:bob@127.0.0.1>;tag=49583
To: <sip:alice@127.0.0.1>
Call-ID: asd88asd77a@127.0.0.1
CSeq: 1 MESSAGE
{extra}Content-Type: {content_type}
Content-Length: {len(body)}

""")
    return head.encode() + body


seed("message", "plain", message("text/plain", "Hello from baresip"))
seed("message", "cpim-text", message("message/cpim", cpim_text))
seed("message", "cpim-receipt", message("message/cpim", cpim_receipt))
seed("message", "bare-imdn", message("message/imdn+xml", imdn_displayed))
seed("message", "imdn-gzip", message("message/imdn+xml", gzip.compress(imdn_delivered.encode(), mtime=0),
                                     "Content-Encoding: gzip\r\n"))
seed("message", "cpim-deflate-raw",
     message("message/cpim", zlib.compress(cpim_text.encode())[2:-4], "Content-Encoding: deflate\r\n"))
seed("message", "sms-tel", message("text/plain", "SMS", "").replace(
    b'"Bob" <sip:bob@127.0.0.1>', b"<tel:+31201234567>"))

# In-call INFO (DTMF) and NOTIFY (sipfrag of a transfer).
def request(method, content_type, body, event=""):
    return crlf(f"""{method} sip:alice@127.0.0.1:5070 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1
From: <sip:bob@127.0.0.1>;tag=1
To: <sip:alice@127.0.0.1>;tag=2
Call-ID: c1@127.0.0.1
CSeq: 3 {method}
{event}Content-Type: {content_type}
Content-Length: {len(body)}

""") + body


seed("info", "dtmf-relay", request("INFO", "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"))
seed("info", "dtmf-relay-star", request("INFO", "application/dtmf-relay", "Signal= *\r\n"))
seed("info", "dtmf", request("INFO", "application/dtmf", "#"))
seed("info", "sipfrag-200", request("NOTIFY", "message/sipfrag;version=2.0", "SIP/2.0 200 OK\r\n",
                                    "Event: refer\r\nSubscription-State: terminated\r\n"))
seed("info", "sipfrag-100", request("NOTIFY", "message/sipfrag", "SIP/2.0 100 Trying",
                                    "Event: refer\r\n"))

# Dial targets: "target\ndomain\ncountry-code".
for name, text in {
    "extension": "201\nvo.test\n31",
    "e164-spaces": "+31 20 123 4567\nvo.test\n31",
    "national": "020-1234567\nvo.test\n31",
    "international-00": "0031 20 1234567\nvo.test\n",
    "sip-address": "bob@example.com\nvo.test\n",
    "user": "bob\nvo.test\n",
    "sips-uri": "sips:bob@example.com:5061;transport=tls\nvo.test\n",
    "tel-uri": "tel:+31201234567\nvo.test\n1",
    "sip-uri-params": "sip:+31201234567@gw.example.com;user=phone?subject=x\n\n",
}.items():
    seed("dial-target", name, text)

# Servers, users and trusted-sources lists as typed.
for name, text in {
    "host": "pbx.example.com",
    "host-port": "127.0.0.1:5080",
    "ipv6": "[2001:db8::1]:5061",
    "sips-uri": "sips:pbx.example.com;transport=tls",
    "sip-uri": "sip:registrar.vo.test:5060;lr",
    "trusted-list": "192.0.2.7, 2001:db8::/32; 10.0.0.0/8",
    "trusted-any": "any",
    "user": "alice.o'neil+office",
}.items():
    seed("server", name, text)

seed("config", "full", """# vo.conf
[account]
registrar=sips:pbx.example.com
proxy=127.0.0.1:5080
country-code=31

[sip]
trusted-sources=192.0.2.0/24, ::1
retry-max=5
bind=127.0.0.1

[media]
codecs=opus,PCMU
rtp-timeout=30
srtp=optional

[calls]
max-incoming=3
""")
seed("config", "bad-types", "[calls]\nmax-incoming=many\n[media]\nrtp-timeout=99999999999999999999\n[sip]\ntrusted-sources=any;bogus/99\n")

# The Virtual Office service's answers (docs/service-api.md), as the
# reference service sends them, and problems.
for name, text in {
    "tokens": '{"access-token": "a1.x", "refresh-token": "r1.y", "token-type": "Bearer", '
              '"expires-in": 900, "username": "alice"}',
    "sip-account": '{"auth-user": "alice", "password": "Zq8-generated", "domain": "vo.test", '
                   '"registrar": "sip:127.0.0.1:5060", "outbound-proxy": null, '
                   '"transport": "udp", "display-name": "Alice Example"}',
    "me": '{"username": "alice", "display-name": "Alice Example", "extension": "201", '
          '"company": "Example BV", "department": "Sales", "email": "alice@example.test", '
          '"mobile": "+31612345678", "sip-uri": "sip:alice@vo.test", "country": "NL", '
          '"photo": {"path": "/v1/me/photo", "etag": "\\"3f\\"", "content-type": "image/png", "size": 1234}, '
          '"capabilities": ["profile", "photo", "forwarding", "events"]}',
    "forwarding": '{"rules": [{"condition": "always", "enabled": false, "target": "", '
                  '"timeout": 20}, {"condition": "no-answer", "enabled": true, '
                  '"target": "sip:carol@vo.test", "timeout": 15}]}',
    "event": '{"id": 42, "type": "forwarding.changed", "time": "2026-11-29T10:44:03Z", '
             '"data": {}}',
    "problem": '{"type": "https://virtualoffice.example/problems/invalid-token", '
               '"title": "Expired", "status": 401, "detail": "The access token expired."}',
    "directory-page": '{"items": [{"id": "alice", "display-name": "Alice Smith", '
                      '"extension": "201", "sip-uri": "sip:alice@vo.test", '
                      '"numbers": ["+31201234567", "+31612345678"], '
                      '"emails": ["alice@example.test"], "company": "Example BV", '
                      '"department": "Sales", "photo": {"path": "/v1/directory/alice/photo", '
                      '"etag": "\\"a1\\"", "content-type": "image/png", "size": 1234}}, '
                      '{"id": "bob", "photo": null}], "deleted": [], '
                      '"next": "/v1/directory?cursor=Mg&limit=500", "sync-token": null}',
    "directory-last": '{"items": [{"id": "carol", "numbers": ["020-1234567"]}, {"id": "a/b"}, 7], '
                      '"deleted": ["dave", "e%f"], "next": null, "sync-token": "s.42"}',
    "favorites": '{"items": ["company:alice", "personal:6f1c2a", "device:x/y", ""]}',
    "wrong-shape": '{"auth-user": 7, "rules": {}, "id": "x", "capabilities": [null]}',
    # A finding: json-glib decodes a lone surrogate escape to bytes that are not UTF-8.
    "lone-surrogate": '{"username": "alice", "display-name": "Alice \x04\x04\x04\x04\x04\x04\x04'
                      '\x04\x04E\\ud800xamplt", "phes": ["OOOOOOOOOOOOOOOOle", "photevents"]}',
}.items():
    seed("service-json", name, text)

for target, files in seeds.items():
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
