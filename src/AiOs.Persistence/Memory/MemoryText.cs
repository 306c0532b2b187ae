using System.Buffers.Binary;
using System.Text;

namespace AiOs.Persistence.Memory;

/// <summary>How memory text is cut into search terms, and how embeddings are stored. Shared by both providers so that
/// they index and match alike.</summary>
public static class MemoryText
{
    /// <summary>The most terms of a query used for lexical search.</summary>
    public const int MaxTerms = 32;

    /// <summary>The longest term kept (longer runs are cut).</summary>
    public const int MaxTermLength = 64;

    /// <summary>The distinct words of <paramref name="text"/>, lowercased: runs of letters and digits. Everything else
    /// (quotes, <c>*</c>, <c>:</c>, <c>&amp;</c>, <c>|</c>, <c>%</c>, SQL) separates words, so that what reaches a search
    /// engine's query syntax is only ever plain words.</summary>
    public static IReadOnlyList<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(text))
        {
            if (seen.Add(word))
            {
                terms.Add(word);
                if (terms.Count == MaxTerms)
                {
                    break;
                }
            }
        }

        return terms;
    }

    /// <summary>How often each word (as <see cref="Terms"/> cuts them) occurs in <paramref name="text"/>, and how many
    /// words it has: what a ranking by term frequency needs.</summary>
    public static (Dictionary<string, int> Counts, int Length) TermCounts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var word in Words(text))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
            length++;
        }

        return (counts, length);
    }

    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        var lower = new char[2]; // one rune, lowercased, as UTF-16
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                if (word.Length < MaxTermLength)
                {
                    word.Append(lower, 0, Rune.ToLowerInvariant(rune).EncodeToUtf16(lower));
                }

                continue;
            }

            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>An embedding as stored: half-precision floats, little-endian.</summary>
    public static byte[] EncodeEmbedding(float[] embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        var bytes = new byte[embedding.Length * 2];
        for (var i = 0; i < embedding.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)embedding[i]);
        }

        return bytes;
    }

    /// <summary>The inverse of <see cref="EncodeEmbedding"/>.</summary>
    public static float[] DecodeEmbedding(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var embedding = new float[bytes.Length / 2];
        for (var i = 0; i < embedding.Length; i++)
        {
            embedding[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * 2));
        }

        return embedding;
    }
}
