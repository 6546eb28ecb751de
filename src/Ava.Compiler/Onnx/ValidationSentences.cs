namespace Ava.Compiler.Onnx;

/// <summary>
/// The built-in validation set: what an assistant's intent classifier sees (commands, questions, chit-chat), very short
/// inputs (the worst case for INT8: few tokens to average the error over), accented text in several languages (the
/// uncased tokenizer strips accents), punctuation, numbers, code and inputs longer than the 256-token limit.
/// </summary>
public static class ValidationSentences
{
    public static IReadOnlyList<string> All { get; } =
    [
        // very short
        "OK",
        "Yes.",
        "No thanks",
        "Hi!",
        "Stop",
        // assistant commands and questions
        "Set an alarm for 6:30 tomorrow morning.",
        "What's the weather like in Paris this weekend?",
        "Call mom on speaker.",
        "Turn the living room lights off and lock the front door.",
        "Remind me to buy milk when I leave work.",
        "How many calories are in a banana?",
        "Play some relaxing jazz, not too loud.",
        "Send a message to Alex: running 10 minutes late, sorry!",
        "Navigate to the nearest gas station that is open now.",
        "What time is it in Tokyo right now?",
        "Translate 'where is the train station' into German.",
        "Cancel my 3 pm meeting with the design team.",
        "Add eggs, flour and sugar to my shopping list.",
        "Read my last three emails out loud.",
        "Take a selfie in five seconds.",
        "How far is the moon from the earth in kilometres?",
        "Open the camera app and switch to video mode.",
        // sentence-transformers quickstart sentences and everyday statements
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
        "A man is eating food.",
        "A woman is playing the violin.",
        "The new movie is awesome, I loved every minute of it.",
        "The cat sits outside on the warm windowsill.",
        "I can't log in to my account — the password reset link never arrives.",
        // accents and other languages
        "Où est la gare la plus proche, s'il vous plaît ?",
        "Ça coûte combien, ce café crème à emporter ?",
        "Müller's Bäckerei öffnet um 7 Uhr; Brötchen sind frisch.",
        "Schließ bitte das Fenster, es zieht.",
        "¿Dónde está el baño? Necesito ayuda, por favor.",
        "La niña comió una piña en el año nuevo.",
        "Não sei se ele vai à reunião amanhã à tarde.",
        "Perché la città è così affollata in agosto?",
        "Příliš žluťoučký kůň úpěl ďábelské ódy.",
        "Zażółć gęślą jaźń — to zdanie ma wszystkie polskie znaki.",
        "Çok teşekkür ederim, görüşmek üzere!",
        "Tiếng Việt có nhiều dấu thanh điệu khác nhau.",
        "Smörgåsbord på fredag? Ja, gärna!",
        // punctuation, numbers, symbols, code
        "Wait... what?!? No way!!!",
        "Price: $19.99 (was $29.99) — save 33%!",
        "Email me at first.last@example.com or call +1 (555) 010-4477.",
        "The meeting is on 2024-03-15 at 14:00 UTC; bring slides #3–#7.",
        "if (n < 2) return n; else return fib(n - 1) + fib(n - 2);",
        "\"Quoted text,\" she said, 'with nested quotes' and [brackets] {braces}.",
        "I ❤️ pizza 🍕 and sushi 🍣",
        "C'est l'été: 30°C à l'ombre, 45 % d'humidité & pas de vent.",
        "RT @user: #breaking news — markets up 2.5% today :)",
        // long inputs (truncated at the 256-token limit)
        string.Join(" ", Enumerable.Repeat(
            "The assistant listens for a wake word, transcribes the request on the device, classifies the intent and fills the slots before it decides whether to answer locally or hand the request to a larger model.", 8)),
        string.Join(" ", Enumerable.Repeat(
            "Après la réunion, nous avons discuté des résultats trimestriels, des dépenses imprévues et des priorités de l'équipe pour l'été prochain; chacun a donné son avis.", 8)),
        "In a hole in the ground there lived a hobbit. Not a nasty, dirty, wet hole, filled with the ends of worms and an oozy smell, " +
        "nor yet a dry, bare, sandy hole with nothing in it to sit down on or to eat: it was a hobbit-hole, and that means comfort. " +
        "It had a perfectly round door like a porthole, painted green, with a shiny yellow brass knob in the exact middle.",
    ];
}
