using System.Globalization;

namespace AiOs.Grpc;

/// <summary>The <c>grpc-timeout</c> header: at most 8 digits and a unit (H hours, M minutes, S seconds, m milliseconds,
/// u microseconds, n nanoseconds).</summary>
public static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9)
        {
            return false;
        }

        long amount = 0;
        foreach (var digit in value[..^1])
        {
            if (digit is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (digit - '0');
        }

        timeout = value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromTicks(amount * TimeSpan.TicksPerMicrosecond),
            'n' => TimeSpan.FromTicks(amount / TimeSpan.NanosecondsPerTick),
            _ => TimeSpan.MinValue,
        };
        return timeout != TimeSpan.MinValue;
    }

    /// <summary>Formats <paramref name="timeout"/> in the finest unit whose value fits in 8 digits, rounding up so that
    /// the receiver never sees a shorter deadline than the sender means.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        var microseconds = CeilingDivide(ticks, TimeSpan.TicksPerMicrosecond);
        if (microseconds <= MaxValue)
        {
            return microseconds.ToString(CultureInfo.InvariantCulture) + "u";
        }

        var milliseconds = CeilingDivide(ticks, TimeSpan.TicksPerMillisecond);
        if (milliseconds <= MaxValue)
        {
            return milliseconds.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var seconds = CeilingDivide(ticks, TimeSpan.TicksPerSecond);
        if (seconds <= MaxValue)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "S";
        }

        return Math.Min(MaxValue, CeilingDivide(ticks, TimeSpan.TicksPerHour)).ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
