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
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                if (word.Length < MaxTermLength)
                {
                    word.Append(rune.ToString().ToLowerInvariant());
                }

                continue;
            }

            Flush();
            if (terms.Count == MaxTerms)
            {
                return terms;
            }
        }

        Flush();
        return terms;

        void Flush()
        {
            if (word.Length > 0 && terms.Count < MaxTerms && seen.Add(word.ToString()))
            {
                terms.Add(word.ToString());
            }

            word.Clear();
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
