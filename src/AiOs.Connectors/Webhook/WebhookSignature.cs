using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AiOs.Connectors.Webhook;

/// <summary>The <c>X-AiOs-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, the HMAC keyed with the
/// shared secret over <c>&lt;t&gt;.&lt;raw request body&gt;</c>. The time is signed so that a receiver can refuse an old
/// request replayed by someone who captured it; the <c>Idempotency-Key</c> header drops honest duplicates (retries).</summary>
public static class WebhookSignature
{
    public const string Header = "X-AiOs-Signature";

    public static string Sign(string secret, DateTimeOffset time, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>What a receiver does: parse the header, recompute the HMAC over the raw body, compare in constant time, and
    /// refuse a time further than <paramref name="tolerance"/> from <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string? t = null;
        string? v1 = null;
        foreach (var part in (header ?? "").Split(','))
        {
            var (name, value) = part.IndexOf('=', StringComparison.Ordinal) is var i and > 0 ? (part[..i].Trim(), part[(i + 1)..].Trim()) : ("", "");
            (t, v1) = name switch { "t" => (value, v1), "v1" => (t, value), _ => (t, v1) };
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, t, body));
    }

    private static byte[] Mac(string secret, string t, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}
