using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Shared.Tests;

[Trait("Servers", "none")]
public sealed class EncryptionTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static KeyRing Ring(string active, params (string Id, byte[] Key)[] keys) =>
        new(Options.Create(new EncryptionOptions
        {
            ActiveKeyId = active,
            Keys = keys.ToDictionary(k => k.Id, k => Convert.ToBase64String(k.Key)),
        }));

    [Fact]
    public void A_sealed_value_opens_with_its_key_and_associated_data_only()
    {
        var box = new SealedBox(Ring("k1", ("k1", Key)));
        var sealedValue = box.Seal("alice@example.org"u8, "report-1"u8);

        Assert.Equal("k1", sealedValue.KeyId);
        Assert.Equal("alice@example.org"u8.ToArray(), box.Open(sealedValue, "report-1"u8));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(sealedValue, "report-2"u8));
        var flipped = sealedValue with { Payload = [.. sealedValue.Payload] };
        flipped.Payload[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => box.Open(flipped, "report-1"u8));
    }

    [Fact]
    public void After_rotation_old_values_still_open_and_new_ones_use_the_new_key()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var before = new SealedBox(Ring("k1", ("k1", oldKey))).Seal("x"u8, default);
        var rotated = new SealedBox(Ring("k2", ("k1", oldKey), ("k2", Key)));

        Assert.Equal("x"u8.ToArray(), rotated.Open(before, default));
        Assert.Equal("k2", rotated.Seal("y"u8, default).KeyId);
        Assert.Throws<UnknownKeyException>(() => new SealedBox(Ring("k2", ("k2", Key))).Open(before, default));
    }

    [Theory]
    [InlineData("", "k1 missing")]
    [InlineData("k1", "short key")]
    [InlineData("bad id!", "bad id")]
    public void A_key_ring_with_problems_refuses_to_exist(string active, string because)
    {
        var keys = because == "short key" ? new[] { ("k1", new byte[16]) } : new[] { ("bad id!", Key) };

        Assert.Throws<InvalidOperationException>(() => Ring(active, keys));
    }

    [Fact]
    public void Chunks_open_only_in_place_and_only_the_last_as_last()
    {
        var blob = Guid.NewGuid();
        using var writer = ChunkedAesGcm.ForNewBlob(Key, blob, out var salt);
        var first = writer.Seal(0, "first"u8, isFinal: false);
        var last = writer.Seal(1, "last"u8, isFinal: true);
        using var reader = ChunkedAesGcm.ForExistingBlob(Key, salt, blob);
        var buffer = new byte[ChunkedAesGcm.ChunkSize];

        Assert.Equal(5, reader.Open(0, first, isFinal: false, buffer));
        Assert.Equal(4, reader.Open(1, last, isFinal: true, buffer));
        Assert.ThrowsAny<CryptographicException>(() => reader.Open(1, first, isFinal: false, buffer)); // moved
        Assert.ThrowsAny<CryptographicException>(() => reader.Open(0, first, isFinal: true, buffer));  // truncated after it
        using var otherBlob = ChunkedAesGcm.ForExistingBlob(Key, salt, Guid.NewGuid());
        Assert.ThrowsAny<CryptographicException>(() => otherBlob.Open(0, first, isFinal: false, buffer)); // transplanted
    }
}
