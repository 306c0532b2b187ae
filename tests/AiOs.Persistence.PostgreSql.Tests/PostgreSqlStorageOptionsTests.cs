using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Unit")]
public sealed class PostgreSqlStorageOptionsTests
{
    private const string Valid = "Host=db;Database=aios;Username=aios;Password=s3cr3t-Pa55";

    [Fact]
    public void Validate_MissingConnectionString_NamesTheSetting()
    {
        var failures = PostgreSqlStorageOptionsValidator.Describe(new PostgreSqlStorageOptions());

        Assert.Contains(failures, f => f.StartsWith("AiOs:Storage:PostgreSql:ConnectionString is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ConnectionStringWithoutHost_NamesTheSetting()
    {
        var failures = PostgreSqlStorageOptionsValidator.Describe(new PostgreSqlStorageOptions { ConnectionString = "Database=aios;Password=s3cr3t-Pa55" });

        var failure = Assert.Single(failures);
        Assert.StartsWith("AiOs:Storage:PostgreSql:ConnectionString names no Host", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MalformedConnectionString_NamesTheSettingButNotTheSecret()
    {
        var failures = PostgreSqlStorageOptionsValidator.Describe(new PostgreSqlStorageOptions { ConnectionString = "Host=db;Password=s3cr3t-Pa55;Hots=typo" });

        var failure = Assert.Single(failures);
        Assert.StartsWith("AiOs:Storage:PostgreSql:ConnectionString is not a valid Npgsql connection string", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x y")]
    [InlineData("Aios")]
    [InlineData("1aios")]
    [InlineData("aios;drop")]
    [InlineData("a\"b")]
    public void Validate_SchemaThatIsNotAnIdentifier_NamesTheSettingAndTheValue(string schema)
    {
        var failures = PostgreSqlStorageOptionsValidator.Describe(new PostgreSqlStorageOptions { ConnectionString = Valid, Schema = schema });

        var failure = Assert.Single(failures);
        Assert.StartsWith($"AiOs:Storage:PostgreSql:Schema '{schema}' is not a valid identifier", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SchemaReservedByPostgreSql_IsRefused()
    {
        var failures = PostgreSqlStorageOptionsValidator.Describe(new PostgreSqlStorageOptions { ConnectionString = Valid, Schema = "pg_aios" });

        Assert.StartsWith("AiOs:Storage:PostgreSql:Schema 'pg_aios' is reserved", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aios")]
    [InlineData("_tenant_42")]
    public void Validate_ValidOptions_Succeeds(string schema)
    {
        Assert.Empty(PostgreSqlStorageOptionsValidator.Describe(new PostgreSqlStorageOptions { ConnectionString = Valid, Schema = schema }));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlStorageProvider(new PostgreSqlStorageOptions { ConnectionString = Valid, Schema = "x y" }));

        Assert.Contains("AiOs:Storage:PostgreSql:Schema 'x y' is not a valid identifier", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAiOsPostgreSqlStorage_RegistersOneProviderForAllThreeContracts()
    {
        var services = new ServiceCollection().AddAiOsPostgreSqlStorage(o => o.ConnectionString = Valid);
        using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredService<PostgreSqlStorageProvider>();

        Assert.Same(storage, provider.GetRequiredService<IStorageProvider>());
        Assert.Same(storage, provider.GetRequiredService<IGrainStateStore>());
        Assert.Same(storage, provider.GetRequiredService<IReminderTable>());
        Assert.Equal("PostgreSQL at db:5432, database aios, schema aios", storage.Location);
    }

    [Fact]
    public void AddAiOsPostgreSqlStorage_InvalidOptions_FailStartupValidationNamingTheSetting()
    {
        var services = new ServiceCollection().AddAiOsPostgreSqlStorage(o => o.Schema = "x y");
        using var provider = services.BuildServiceProvider();

        // What the host runs at start because of ValidateOnStart().
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("AiOs:Storage:PostgreSql:ConnectionString is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("AiOs:Storage:PostgreSql:Schema 'x y' is not a valid identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Location_NamesHostPortDatabaseAndSchemaButNotThePassword()
    {
        var options = new PostgreSqlStorageOptions
        {
            ConnectionString = "Host=db.internal;Port=6543;Database=aios_prod;Username=aios;Password=s3cr3t-Pa55",
            Schema = "tenant_1",
        };
        using var provider = new PostgreSqlStorageProvider(options);

        Assert.Equal("PostgreSQL at db.internal:6543, database aios_prod, schema tenant_1", provider.Location);
    }

    [Fact]
    public void MigrationLockKey_IsStableAcrossProcessesAndBuilds()
    {
        // Silos of different builds must contend for the same lock; a change here would let them migrate concurrently.
        Assert.Equal(AdvisoryLockKey.ForMigrations("aios"), AdvisoryLockKey.ForMigrations("aios"));
        Assert.Equal(ExpectedAiosKey, AdvisoryLockKey.ForMigrations("aios"));
        Assert.NotEqual(AdvisoryLockKey.ForMigrations("aios"), AdvisoryLockKey.ForMigrations("aios2"));
    }

    // FNV-1a 64 of "aios.migrations:aios", computed independently.
    private const long ExpectedAiosKey = -3951016879659045178;
}
