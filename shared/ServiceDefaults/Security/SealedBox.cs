namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>A small value encrypted with AES-256-GCM: the key id, and nonce ‖ ciphertext ‖ tag.</summary>
public sealed record SealedValue(string KeyId, byte[] Payload);

/// <summary>
/// Seals small values (contact details, secrets) under the active key. The associated data binds a
/// sealed value to what it belongs to (a report id, say), so it cannot be moved to another record.
/// </summary>
public sealed class SealedBox(KeyRing keys)
{
    public SealedValue Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        new(keys.ActiveKeyId, AesGcmSeal.Seal(keys.ActiveKey, plaintext, associatedData));

    /// <summary>Opens a sealed value; a changed byte or other associated data throws <see cref="System.Security.Cryptography.AuthenticationTagMismatchException"/>.</summary>
    public byte[] Open(SealedValue sealedValue, ReadOnlySpan<byte> associatedData) =>
        AesGcmSeal.Open(keys.Key(sealedValue.KeyId), sealedValue.Payload, associatedData);
}
