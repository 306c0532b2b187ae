using System.Text;
using Microsoft.Extensions.AI;

namespace AiOs.Memory;

/// <summary>The offline embedding: character trigrams and whole words of the lowercased text, hashed into a fixed number
/// of signed buckets and scaled to unit length. Deterministic, local and free, so retrieval works with no key and no
/// download; texts that share words and word fragments come out close, which is what finding "the invoice note" by
/// "invoices" needs. It knows no synonyms: that takes a real embedding model behind the same interface.</summary>
public sealed class HashedNGramEmbeddingGenerator(int dimensions = HashedNGramEmbeddingGenerator.DefaultDimensions)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int DefaultDimensions = 256;

    private static readonly EmbeddingGeneratorMetadata Metadata = new("aios-offline", null, "hashed-ngrams", DefaultDimensions);

    public int Dimensions { get; } = dimensions > 0 ? dimensions : throw new ArgumentOutOfRangeException(nameof(dimensions));

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            embeddings.Add(new Embedding<float>(Embed(value)));
        }

        return Task.FromResult(embeddings);
    }

    /// <summary>The embedding of one text.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        var lowered = text.ToLowerInvariant();
        var word = new StringBuilder();
        foreach (var c in lowered)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            AddWord(vector, word);
        }

        AddWord(vector, word);
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private void AddWord(float[] vector, StringBuilder word)
    {
        if (word.Length == 0)
        {
            return;
        }

        // The whole word counts most; its trigrams (with word boundaries marked) let related forms meet.
        var text = word.ToString();
        Add(vector, "w:" + text, 2f);
        var padded = "^" + text + "$";
        for (var i = 0; i + 3 <= padded.Length; i++)
        {
            Add(vector, padded.Substring(i, 3), 1f);
        }

        word.Clear();
    }

    private void Add(float[] vector, string feature, float weight)
    {
        // FNV-1a: stable across processes and runtimes (string.GetHashCode is randomized per process).
        var hash = 2166136261u;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var sign = (hash & 0x80000000u) == 0 ? 1f : -1f;
        vector[(int)(hash % (uint)vector.Length)] += sign * weight;
    }
}
