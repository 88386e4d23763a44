Console.WriteLine("sandbox");
