using System.Globalization;
using System.Text;

namespace AiOs;

/// <summary>Validation and conversion of grain keys. A key is non-empty, at most <see cref="GrainId.MaxKeyLength"/>
/// characters, and has no control characters (they break logs, URLs and terminals).</summary>
public static class GrainKey
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the key when it is not valid.</summary>
    public static void Validate(string? key, string paramName = "key")
    {
        var problem = Describe(key);
        if (problem is not null)
        {
            throw new ArgumentException(problem, paramName);
        }
    }

    /// <summary>Why <paramref name="key"/> is not a valid key, or null when it is.</summary>
    public static string? Describe(string? key)
    {
        if (key is null)
        {
            return "Grain key must not be null.";
        }

        if (key.Length == 0)
        {
            return "Grain key \"\" is empty; a grain key must have at least one character.";
        }

        if (key.Length > GrainId.MaxKeyLength)
        {
            return $"Grain key \"{Escape(key[..40])}...\" is {key.Length} characters long; the limit is {GrainId.MaxKeyLength}.";
        }

        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsControl(key[i]))
            {
                return $"Grain key \"{Escape(key)}\" contains a control character (U+{(int)key[i]:X4}) at position {i}.";
            }
        }

        return null;
    }

    /// <summary>The key of a Guid-keyed grain.</summary>
    public static string FromGuid(Guid key) => key.ToString("D");

    /// <summary>The key of an integer-keyed grain.</summary>
    public static string FromInteger(long key) => key.ToString(CultureInfo.InvariantCulture);

    /// <summary>Renders control characters visibly so that an error message never carries them raw.</summary>
    internal static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
