Console.WriteLine("help");
