using System.Text.Json;
using AiOs.Persistence.Memory;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IMemoryStore. Writes run on the single writer connection inside BEGIN IMMEDIATE: items, index entries (by trigger) and
// the scope's version commit together. Searches match in FTS5 with the query's words quoted one by one, so no character
// of a query can act as FTS5 syntax, and compare the scope exactly on the joined item row.
public sealed partial class SqliteStorageProvider : IMemoryStore
{
    private const string MemoryColumns = """
        i.item_id, i.scope_kind, i.scope_id, i.kind, i.text, i.source, i.actor, i.created_at, i.event_sequence, i.reference,
        i.confidence, i.embedding, i.source_items, i.role, i.customer_id
        """;

    // $kinds is NULL or a JSON array of kind names.
    private const string MemoryFilterClause = """
        AND ($kinds IS NULL OR i.kind IN (SELECT value FROM json_each($kinds)))
        AND ($since IS NULL OR i.created_at >= $since)
        AND ($until IS NULL OR i.created_at < $until)
        AND ($source IS NULL OR i.source = $source)
        AND ($minConfidence IS NULL OR i.confidence >= $minConfidence)
        AND ($role IS NULL OR i.role IS NULL OR i.role = $role)
        """;

    private const string InsertMemoryItem = """
        INSERT INTO aios_memory_items (item_id, scope_kind, scope_id, scope_token, kind, text, source, actor, created_at,
                                       event_sequence, reference, confidence, embedding, source_items, role, customer_id)
        VALUES ($id, $scopeKind, $scopeId, $token, $kind, $text, $source, $actor, $createdAt, $event, $reference,
                $confidence, $embedding, $sourceItems, $role, $customer)
        ON CONFLICT (item_id) DO NOTHING
        """;

    private const string BumpMemoryVersion = """
        UPDATE aios_memory_version_counter SET last = last + 1;
        INSERT INTO aios_memory_scopes (scope_kind, scope_id, version)
        VALUES ($scopeKind, $scopeId, (SELECT last FROM aios_memory_version_counter))
        ON CONFLICT (scope_kind, scope_id) DO UPDATE SET version = excluded.version
        RETURNING version;
        """;

    private const string SelectMemoryVersion = "SELECT version FROM aios_memory_scopes WHERE scope_kind = $scopeKind AND scope_id = $scopeId";

    private const string DeleteMemoryItem = "DELETE FROM aios_memory_items WHERE scope_kind = $scopeKind AND scope_id = $scopeId AND item_id = $id";

    private const string SelectMemoryItems = $"""
        SELECT {MemoryColumns} FROM aios_memory_items i
        WHERE i.scope_kind = $scopeKind AND i.scope_id = $scopeId AND i.item_id IN (SELECT value FROM json_each($ids))
        """;

    private const string ListMemoryItems = $"""
        SELECT {MemoryColumns} FROM aios_memory_items i
        WHERE i.scope_kind = $scopeKind AND i.scope_id = $scopeId
          AND ($afterAt IS NULL OR i.created_at > $afterAt OR (i.created_at = $afterAt AND i.item_id > $afterId))
          {MemoryFilterClause}
        ORDER BY i.created_at, i.item_id LIMIT $limit
        """;

    private const string SearchMemoryText = $"""
        SELECT i.item_id, -bm25(aios_memory_fts, 0.0, 1.0) AS rank
        FROM aios_memory_fts JOIN aios_memory_items i ON i.seq = aios_memory_fts.rowid
        WHERE aios_memory_fts MATCH $match AND i.scope_kind = $scopeKind AND i.scope_id = $scopeId
          {MemoryFilterClause}
        ORDER BY rank DESC, i.item_id LIMIT $limit
        """;

    private const string ListMemoryScopes = """
        SELECT scope_kind, scope_id FROM aios_memory_scopes
        WHERE $afterKind IS NULL OR scope_kind > $afterKind OR (scope_kind = $afterKind AND scope_id > $afterId)
        ORDER BY scope_kind, scope_id LIMIT $limit
        """;

    private const string SelectScopesAboutCustomer = """
        SELECT DISTINCT scope_kind, scope_id FROM aios_memory_items
        WHERE customer_id = $customer AND NOT (scope_kind = 'customer' AND scope_id = $customer)
        """;

    private const string DeleteCustomerMemory = """
        DELETE FROM aios_memory_items WHERE (scope_kind = 'customer' AND scope_id = $customer) OR customer_id = $customer
        """;

    private const string DeleteCustomerScope = "DELETE FROM aios_memory_scopes WHERE scope_kind = 'customer' AND scope_id = $customer";

    /// <inheritdoc />
    public Task<(long Version, int Added)> AddAsync(MemoryScope scope, IReadOnlyList<MemoryItem> items, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateItems(scope, items);
        var token = MemoryRules.ScopeToken(scope);
        return WriteAsync(connection => InTransaction(connection, () =>
        {
            var added = 0;
            foreach (var item in items)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = InsertMemoryItem;
                AddScope(insert, scope);
                AddParameter(insert, "$id", item.ItemId);
                AddParameter(insert, "$token", token);
                AddParameter(insert, "$kind", MemoryRules.KindName(item.Kind));
                AddParameter(insert, "$text", item.Text);
                AddParameter(insert, "$source", item.Provenance.Source);
                AddParameter(insert, "$actor", item.Provenance.Actor);
                AddParameter(insert, "$createdAt", SqliteTime.ToMicroseconds(item.Provenance.At));
                AddParameter(insert, "$event", item.Provenance.EventSequence);
                AddParameter(insert, "$reference", item.Provenance.Reference);
                AddParameter(insert, "$confidence", item.Confidence);
                AddParameter(insert, "$embedding", MemoryText.EncodeEmbedding(item.Embedding));
                AddParameter(insert, "$sourceItems", JsonSerializer.Serialize(item.SourceItemIds ?? []));
                AddParameter(insert, "$role", item.Role);
                AddParameter(insert, "$customer", item.CustomerId);
                added += insert.ExecuteNonQuery();
            }

            return (added > 0 ? BumpVersion(connection, scope) : ReadVersion(connection, scope), added);
        }), cancellationToken);
    }

    /// <inheritdoc />
    public Task<(long Version, int Removed)> RemoveAsync(MemoryScope scope, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(itemIds);
        return WriteAsync(connection => InTransaction(connection, () =>
        {
            var removed = 0;
            foreach (var id in itemIds)
            {
                using var delete = connection.CreateCommand();
                delete.CommandText = DeleteMemoryItem;
                AddScope(delete, scope);
                AddParameter(delete, "$id", id);
                removed += delete.ExecuteNonQuery();
            }

            return (removed > 0 ? BumpVersion(connection, scope) : ReadVersion(connection, scope), removed);
        }), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> VersionAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        return ReadAsync(connection => ReadVersion(connection, scope), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> GetAsync(MemoryScope scope, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(itemIds);
        return ReadAsync<IReadOnlyList<MemoryItem>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectMemoryItems;
            AddScope(command, scope);
            AddParameter(command, "$ids", JsonSerializer.Serialize(itemIds));
            return ReadMemoryItems(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> ListAsync(
        MemoryScope scope, MemoryFilter filter, (DateTimeOffset At, string ItemId)? after, int limit, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<MemoryItem>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ListMemoryItems;
            AddScope(command, scope);
            AddMemoryFilter(command, filter);
            AddParameter(command, "$afterAt", after is { } a ? SqliteTime.ToMicroseconds(a.At) : null);
            AddParameter(command, "$afterId", after?.ItemId);
            AddParameter(command, "$limit", limit);
            return ReadMemoryItems(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryTextHit>> SearchTextAsync(
        MemoryScope scope, IReadOnlyList<string> terms, MemoryFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var words = terms.SelectMany(MemoryText.Terms).Distinct(StringComparer.Ordinal).Take(MemoryText.MaxTerms).ToList();
        if (words.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MemoryTextHit>>([]);
        }

        // Every word is a quoted FTS5 string (a quote inside doubled), the scope's token is matched in its own column.
        var match = $"scope_token : {Quote(MemoryRules.ScopeToken(scope))} AND text : ({string.Join(" OR ", words.Select(Quote))})";
        return ReadAsync<IReadOnlyList<MemoryTextHit>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SearchMemoryText;
            AddScope(command, scope);
            AddMemoryFilter(command, filter);
            AddParameter(command, "$match", match);
            AddParameter(command, "$limit", limit);
            using var reader = command.ExecuteReader();
            var hits = new List<MemoryTextHit>();
            while (reader.Read())
            {
                hits.Add(new MemoryTextHit(reader.GetString(0), reader.GetDouble(1)));
            }

            return hits;
        }, cancellationToken);

        static string Quote(string word) => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryScope>> ListScopesAsync(MemoryScope? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<MemoryScope>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ListMemoryScopes;
            AddParameter(command, "$afterKind", after?.KindName);
            AddParameter(command, "$afterId", after?.Id);
            AddParameter(command, "$limit", limit);
            return ReadScopes(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MemoryForgetCounts> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(MemoryScope.Customer(customerId));
        return WriteAsync(connection =>
        {
            // Deleted rows are overwritten with zeros rather than left in free pages, and the full-text index is merged so
            // that its segments no longer hold the forgotten words.
            Execute(connection, "PRAGMA secure_delete = ON");
            try
            {
                var counts = InTransaction(connection, () =>
                {
                    List<MemoryScope> others;
                    using (var select = connection.CreateCommand())
                    {
                        select.CommandText = SelectScopesAboutCustomer;
                        AddParameter(select, "$customer", customerId);
                        others = ReadScopes(select);
                    }

                    long removed;
                    using (var delete = connection.CreateCommand())
                    {
                        delete.CommandText = DeleteCustomerMemory;
                        AddParameter(delete, "$customer", customerId);
                        removed = delete.ExecuteNonQuery();
                    }

                    using (var deleteScope = connection.CreateCommand())
                    {
                        deleteScope.CommandText = DeleteCustomerScope;
                        AddParameter(deleteScope, "$customer", customerId);
                        deleteScope.ExecuteNonQuery();
                    }

                    foreach (var other in others)
                    {
                        BumpVersion(connection, other);
                    }

                    return new MemoryForgetCounts(removed, removed, [MemoryScope.Customer(customerId), .. others]);
                });
                Execute(connection, "INSERT INTO aios_memory_fts (aios_memory_fts) VALUES ('optimize')");
                return counts;
            }
            finally
            {
                Execute(connection, "PRAGMA secure_delete = OFF");
            }
        }, cancellationToken);
    }

    private static long BumpVersion(SqliteConnection connection, MemoryScope scope)
    {
        using var command = connection.CreateCommand();
        command.CommandText = BumpMemoryVersion;
        AddScope(command, scope);
        return (long)command.ExecuteScalar()!;
    }

    private static long ReadVersion(SqliteConnection connection, MemoryScope scope)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SelectMemoryVersion;
        AddScope(command, scope);
        return command.ExecuteScalar() is long version ? version : 0;
    }

    private static void AddScope(SqliteCommand command, MemoryScope scope)
    {
        AddParameter(command, "$scopeKind", scope.KindName);
        AddParameter(command, "$scopeId", scope.Id);
    }

    private static void AddMemoryFilter(SqliteCommand command, MemoryFilter filter)
    {
        AddParameter(command, "$kinds", MemoryRules.KindNames(filter) is { } kinds ? JsonSerializer.Serialize(kinds) : null);
        AddParameter(command, "$since", filter.Since is { } since ? SqliteTime.ToMicroseconds(since) : null);
        AddParameter(command, "$until", filter.Until is { } until ? SqliteTime.ToMicroseconds(until) : null);
        AddParameter(command, "$source", filter.Source);
        AddParameter(command, "$minConfidence", filter.MinConfidence);
        AddParameter(command, "$role", filter.Role);
    }

    private static List<MemoryScope> ReadScopes(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var scopes = new List<MemoryScope>();
        while (reader.Read())
        {
            scopes.Add(MemoryRules.Scope(reader.GetString(0), reader.GetString(1)));
        }

        return scopes;
    }

    private static List<MemoryItem> ReadMemoryItems(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var items = new List<MemoryItem>();
        while (reader.Read())
        {
            items.Add(new MemoryItem(
                reader.GetString(0),
                MemoryRules.Scope(reader.GetString(1), reader.GetString(2)),
                MemoryRules.ParseKind(reader.GetString(3)),
                reader.GetString(4),
                new MemoryProvenance(
                    reader.GetString(5),
                    reader.GetString(6),
                    SqliteTime.FromMicroseconds(reader.GetInt64(7)),
                    reader.IsDBNull(8) ? null : reader.GetInt64(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9)),
                reader.GetDouble(10),
                MemoryText.DecodeEmbedding((byte[])reader.GetValue(11)),
                JsonSerializer.Deserialize<string[]>(reader.GetString(12)) ?? [],
                reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.IsDBNull(14) ? null : reader.GetString(14)));
        }

        return items;
    }
}
