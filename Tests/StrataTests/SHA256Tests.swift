import Foundation
import Testing

@testable import Strata

@Test func sha256MatchesThePublishedTestVectors() {
  // FIPS 180-2, appendix B, and NIST's empty-message example (`printf '' | sha256sum`).
  #expect(
    SHA256.hexDigest(of: [])
      == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  #expect(
    SHA256.hexDigest(of: Array("abc".utf8))
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  // 56 bytes: the padding needs a second block.
  #expect(
    SHA256.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  // 112 bytes (FIPS 180-4's two-block SHA-512 message, here through SHA-256), checked with
  // Python's hashlib.sha256.
  let twoBlocks =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
  #expect(
    SHA256.hexDigest(of: Array(twoBlocks.utf8))
      == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
  // 64 bytes exactly: the length goes into a block of its own.
  #expect(
    SHA256.hexDigest(of: [UInt8](repeating: 0x61, count: 64))
      == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
}
