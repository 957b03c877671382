// Placeholder until the dashboard lands (issue 5).
document.getElementById('app')!.textContent = 'ReaderAI teacher dashboard';
