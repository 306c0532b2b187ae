using AiOs.Host.Hosting;
using AiOs.Workforce.TestHost;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAiOs();

var app = builder.Build();
app.MapAiOs();
app.MapGoalEndpoints();

return await app.RunAiOsAsync();
