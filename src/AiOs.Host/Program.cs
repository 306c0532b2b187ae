using AiOs.Host.Hosting;

// The content root is the program's folder, so that its appsettings.json applies wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAiOs();

var app = builder.Build();
app.MapAiOs();

return await app.RunAiOsAsync();
