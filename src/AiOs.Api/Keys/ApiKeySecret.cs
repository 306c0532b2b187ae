using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace AiOs.Api.Keys;

/// <summary>The text form of an API key, <c>aios_&lt;key id&gt;_&lt;secret&gt;</c>: the id (12 hex digits) finds the stored
/// key, the secret (32 random bytes, base64url) proves possession. Only SHA-256 of the secret is stored: the secret is
/// random and long, so a fast hash is as strong as a slow one and keeps every call cheap.</summary>
public static class ApiKeySecret
{
    private const string Prefix = "aios_";
    private const int IdLength = 12;
    private const int SecretBytes = 32;

    /// <summary>A new key: its id, its full text (shown once) and the hash to store.</summary>
    public static (string KeyId, string Key, byte[] SecretHash) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return (keyId, $"{Prefix}{keyId}_{secret}", Hash(secret));
    }

    /// <summary>Splits a presented key into id and secret; false when it is not shaped like a key.</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = null;
        secret = null;
        if (key is null || key.Length < Prefix.Length + IdLength + 2 || !key.StartsWith(Prefix, StringComparison.Ordinal)
            || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        var id = key.Substring(Prefix.Length, IdLength);
        if (!id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        keyId = id;
        secret = key[(Prefix.Length + IdLength + 1)..];
        return true;
    }

    /// <summary>The stored hash of a secret.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="storedHash"/>, compared in constant time so
    /// that the time taken reveals nothing about how much of it matched.</summary>
    public static bool Matches(string secret, byte[] storedHash)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetByteCount(secret);
        var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(secret, bytes);
        SHA256.HashData(bytes, hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }
}
