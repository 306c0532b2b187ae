using System.Text;

namespace AiOs.Grpc;

/// <summary>Encoding of the <c>grpc-message</c> value: UTF-8, with every byte outside printable ASCII, and '%' itself,
/// percent-encoded (so that any text survives HTTP/2 header rules).</summary>
public static class GrpcStatusDetail
{
    /// <summary>Percent-encodes <paramref name="detail"/> for the <c>grpc-message</c> header.</summary>
    public static string Encode(string detail)
    {
        if (!NeedsEncoding(detail))
        {
            return detail;
        }

        var bytes = Encoding.UTF8.GetBytes(detail);
        var text = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }

        return text.ToString();
    }

    /// <summary>Decodes a <c>grpc-message</c> value. Malformed escapes are kept as they are, as the protocol asks.</summary>
    public static string Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.Contains('%', StringComparison.Ordinal))
        {
            return value ?? "";
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add((byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2])));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool NeedsEncoding(string detail)
    {
        foreach (var c in detail)
        {
            if (c is < ' ' or > '~' or '%')
            {
                return true;
            }
        }

        return false;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
