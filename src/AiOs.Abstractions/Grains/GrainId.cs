using System.Diagnostics.CodeAnalysis;

namespace AiOs;

/// <summary>The identity of a grain: its type name and its key. Rendered and parsed as <c>type/key</c>
/// (the type never contains '/', the key may).</summary>
public readonly record struct GrainId
{
    /// <summary>Keys longer than this are refused; the limit keeps keys usable as database keys and in URLs.</summary>
    public const int MaxKeyLength = 512;

    public GrainId(string type, string key)
    {
        ValidateTypeName(type);
        GrainKey.Validate(key);
        Type = type;
        Key = key;
    }

    /// <summary>The grain type name, e.g. <c>customer</c>.</summary>
    public string Type { get; }

    /// <summary>The grain key, e.g. <c>acme-42</c>.</summary>
    public string Key { get; }

    /// <summary>True for the default value, which addresses no grain.</summary>
    public bool IsDefault => Type is null;

    public override string ToString() => IsDefault ? "(none)" : Type + "/" + Key;

    /// <summary>Parses <c>type/key</c>.</summary>
    /// <exception cref="FormatException">The text has no '/' or an invalid part.</exception>
    public static GrainId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var id, out var error))
        {
            throw new FormatException(error);
        }

        return id;
    }

    /// <summary>Parses <c>type/key</c> without throwing.</summary>
    public static bool TryParse(string? text, out GrainId id) => TryParse(text, out id, out _);

    private static bool TryParse(string? text, out GrainId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0)
        {
            error = $"'{text}' is not a grain id: expected 'type/key'.";
            return false;
        }

        var type = text[..slash];
        var key = text[(slash + 1)..];
        error = GrainKey.Describe(key) ?? DescribeType(type);
        if (error is not null)
        {
            return false;
        }

        id = new GrainId(type, key);
        return true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> when <paramref name="type"/> is not a valid grain type name.</summary>
    public static void ValidateTypeName(string type)
    {
        var problem = DescribeType(type);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(type));
        }
    }

    private static string? DescribeType(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            return "A grain type name must not be empty.";
        }

        foreach (var c in type)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return $"Grain type name '{type}' may contain only ASCII letters, digits, '-', '_' and '.'.";
            }
        }

        return null;
    }
}
