using AiOs;
using AiOs.Cluster.TestHost;
using AiOs.Host.Hosting;
using Npgsql;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAiOs(silo => silo.AddGrain<OpCounterGrain>().AddGrain<TickingGrain>());

var connection = new NpgsqlConnectionStringBuilder(builder.Configuration["AiOs:Storage:PostgreSql:ConnectionString"])
{
    SearchPath = builder.Configuration["AiOs:Storage:PostgreSql:Schema"],
};
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connection.ConnectionString));
builder.Services.AddSingleton<ActivationLog>();

var app = builder.Build();
app.MapAiOs();

// The door the load client uses: any silo takes any grain's call. A failure answers 503 with the reason.
app.MapPost("/test/apply/{key}/{op}", (string key, string op, IGrainFactory grains) => Answer(() => grains.GetGrain<IOpCounterGrain>(key).Apply(op)));
app.MapPost("/test/apply-slowly/{key}/{op}/{delayMs:int}", (string key, string op, int delayMs, IGrainFactory grains) =>
    Answer(() => grains.GetGrain<IOpCounterGrain>(key).ApplySlowly(op, TimeSpan.FromMilliseconds(delayMs))));
app.MapGet("/test/slow-writes-pending", () => OpCounterGrain.SlowWritesPending);
app.MapGet("/test/count/{key}", (string key, IGrainFactory grains) => Answer(() => grains.GetGrain<IOpCounterGrain>(key).Count()));
app.MapPost("/test/remind/{key}/{dueMs:int}/{periodMs:int}", (string key, int dueMs, int periodMs, IGrainFactory grains) => Answer(async () =>
{
    await grains.GetGrain<ITickingGrain>(key).Start(TimeSpan.FromMilliseconds(dueMs), TimeSpan.FromMilliseconds(periodMs));
    return periodMs;
}));

return await app.RunAiOsAsync();

static async Task<IResult> Answer(Func<Task<int>> call)
{
    try
    {
        return Results.Text((await call()).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
    catch (Exception exception)
    {
        return Results.Text($"{exception.GetType().Name}: {exception.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
