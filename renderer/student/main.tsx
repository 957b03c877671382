// Placeholder until the student app lands (issue 4).
document.getElementById('app')!.textContent = 'ReaderAI student app';
